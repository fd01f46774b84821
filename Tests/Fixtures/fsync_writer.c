/* Writes COUNT small records to FILE, fsync()ing after each: many small
 * synchronous writes, the "erratic disk latency" case.
 * Usage: fsync_writer FILE [count]   (default 200) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((noinline)) static int write_record(int fd, int i)
{
	char buf[512];
	memset(buf, 'a' + i % 26, sizeof(buf));
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		return -1;
	return fsync(fd);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int count = argc > 2 ? atoi(argv[2]) : 200;
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror("open");
		return 1;
	}
	for (int i = 0; i < count; i++)
		if (write_record(fd, i) != 0) {
			perror("write");
			return 1;
		}
	close(fd);
	unlink(argv[1]);
	return 0;
}
