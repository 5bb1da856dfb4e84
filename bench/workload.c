// sluice's workload generator, used by bench/bpf.ts and the eBPF tests.
//   workload open PATH N      N openat+close pairs of PATH; prints the first fd (or -errno) and the rate
//   workload connect IP PORT  one TCP connect to IP:PORT; prints 0 or -errno
//   workload exec PATH ARG... execve(PATH, [ARG...], {}); prints -errno when it fails
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int open_loop(const char *path, long n)
{
	int first = 0;
	double start = now();
	for (long i = 0; i < n; i++) {
		int fd = openat(AT_FDCWD, path, O_RDONLY);
		if (i == 0)
			first = fd < 0 ? -errno : fd;
		if (fd >= 0)
			close(fd);
	}
	double seconds = now() - start;
	printf("%d %.0f\n", first, n / (seconds > 0 ? seconds : 1e-9));
	return 0;
}

static int connect_once(const char *ip, int port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
	if (inet_pton(AF_INET, ip, &addr.sin_addr) != 1)
		return 2;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int result = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
	printf("%d\n", result < 0 ? -errno : 0);
	close(fd);
	return 0;
}

static int exec_once(const char *path, char **args)
{
	char *envp[] = { NULL };
	execve(path, args, envp);
	printf("%d\n", -errno);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "exec") == 0)
		return exec_once(argv[2], &argv[3]);
	if (argc == 4 && strcmp(argv[1], "open") == 0)
		return open_loop(argv[2], atol(argv[3]));
	if (argc == 4 && strcmp(argv[1], "connect") == 0)
		return connect_once(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: workload open PATH N | workload connect IP PORT | workload exec PATH ARG...\n");
	return 2;
}
