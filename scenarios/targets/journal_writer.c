/* Case 4 of the reference article, "erratic disk latency": a writer
 * appending RECORDS small records to a journal file.
 * bad: write + fsync per record (many small synchronous writes);
 * good: records batched, one fsync per BATCH records.
 * Usage: journal_writer FILE [--variant good|bad] [--records N] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RECORD 256
#define BATCH 64

__attribute__((noinline)) static void append_record(int fd, int i)
{
	char buf[RECORD];
	memset(buf, 'a' + i % 26, sizeof(buf));
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
		perror("write");
		exit(1);
	}
}

__attribute__((noinline)) static void commit_journal(int fd)
{
	if (fsync(fd) != 0) {
		perror("fsync");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int bad = 0, records = 1000;
	for (int i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--variant"))
			bad = !strcmp(argv[i + 1], "bad");
		else if (!strcmp(argv[i], "--records"))
			records = atoi(argv[i + 1]);
	}
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror("open");
		return 1;
	}
	for (int i = 0; i < records; i++) {
		append_record(fd, i);
		if (bad || (i + 1) % BATCH == 0)
			commit_journal(fd);
	}
	commit_journal(fd);
	close(fd);
	unlink(argv[1]);
	printf("wrote %d records\n", records);
	return 0;
}
