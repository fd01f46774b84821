// A JavaScript program whose time is in fib(), called from crunch(): the
// perf-map test's target (node --perf-basic-prof names JIT code).
function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

function crunch(rounds) {
  let s = 0;
  for (let i = 0; i < rounds; i++) s += fib(25);
  return s;
}

let total = 0;
for (let k = 0; k < 20; k++) total += crunch(30);
console.log(total);
