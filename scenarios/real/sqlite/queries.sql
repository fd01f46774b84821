WITH RECURSIVE q(c) AS (SELECT 1 UNION ALL SELECT c + 1 FROM q WHERE c < 1000)
SELECT sum((SELECT sum(amount) FROM orders WHERE customer = q.c)) FROM q;
