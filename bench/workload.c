// sluice's workload generator, used by bench/bpf.ts and the eBPF tests.
//   workload open PATH N      N openat+close pairs of PATH; prints the first fd (or -errno), the rate
//                             and the thread's CPU time per pair in ns
//   workload connect IP PORT  one TCP connect to IP:PORT; prints 0 or -errno
//   workload exec PATH ARG... execve(PATH, [ARG...], {}); prints -errno when it fails
//   workload fexec PATH ARG...        fexecve of PATH opened O_RDONLY
//   workload execat DIR NAME ARG...   execveat(open(DIR), NAME, ...)
//   workload thread-exec PATH ARG...  execve from a thread that is not the leader
//   workload memfd-exec NAME SRC ARG... execveat of a memfd called NAME holding a copy of SRC
//   workload deep-exec DIR NAME DEPTH SRC ARG...  DEPTH directories NAME made one by one under
//                                      DIR, then a copy of SRC in the last one exec'd as ./prog
//   workload exe-chain NAME1 NAME2  one process through three executables: a memfd NAME1, the
//                                      workload's own file, a memfd NAME2; getpid in the first and last
//   workload int80 PATH MISSING ECHO ARG  i386 syscalls through int $0x80: open(PATH), nanosleep
//                                      of 1 µs, execve(MISSING) (prints each result), execve(ECHO, ARG)
//   workload syscalls DIR     several dozen syscalls with known results (bench/syscalls.c)
//   workload exec-cases FILE  the fuzzer's cases: each exec'd in a child of its own; prints one
//                             line per case, "PID RESULT" (0, or -errno of the failed exec). FILE
//                             holds, per case, little-endian u32 lengths: path, argc, each arg.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

// The rate is what the tracer leaves of the workload on a shared machine; the thread's CPU time per
// pair (kernel time included, where the tracer's programs run) is the tracer's own cost, whatever
// else runs on the other cores.
static int open_loop(const char *path, long n)
{
	int first = 0;
	double start = now();
	double cpu = cpu_now();
	for (long i = 0; i < n; i++) {
		int fd = openat(AT_FDCWD, path, O_RDONLY);
		if (i == 0)
			first = fd < 0 ? -errno : fd;
		if (fd >= 0)
			close(fd);
	}
	double seconds = now() - start;
	cpu = cpu_now() - cpu;
	printf("%d %.0f %.0f\n", first, n / (seconds > 0 ? seconds : 1e-9), cpu * 1e9 / (n > 0 ? n : 1));
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

static char *no_env[] = { NULL };

static int failed(void)
{
	printf("%d\n", -errno);
	return 0;
}

static int exec_once(const char *path, char **args)
{
	execve(path, args, no_env);
	return failed();
}

static int execat(int dirfd, const char *name, char **args, int flags)
{
	syscall(SYS_execveat, dirfd, name, args, no_env, flags);
	return failed();
}

struct thread_exec {
	const char *path;
	char **args;
};

static void *exec_in_thread(void *arg)
{
	struct thread_exec *t = arg;
	execve(t->path, t->args, no_env);
	failed();
	exit(0);
}

static int thread_exec(const char *path, char **args)
{
	pthread_t thread;
	struct thread_exec t = { path, args };
	if (pthread_create(&thread, NULL, exec_in_thread, &t) != 0)
		return 1;
	pthread_join(thread, NULL);
	return 0;
}

static int copy(const char *src, int fd)
{
	int in = open(src, O_RDONLY);
	char buf[65536];
	ssize_t n;
	if (in < 0 || fd < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, n) != n)
			return -1;
	close(in);
	return 0;
}

static int memfd_exec(const char *name, const char *src, char **args)
{
	// Close-on-exec, as fileless malware does: nothing but the exec keeps the memfd alive.
	int fd = syscall(SYS_memfd_create, name, MFD_CLOEXEC);
	if (copy(src, fd) != 0)
		return failed();
	return execat(fd, "", args, AT_EMPTY_PATH);
}

static int deep_exec(const char *dir, const char *name, int depth, const char *src, char **args)
{
	if (chdir(dir) != 0)
		return failed();
	for (int i = 0; i < depth; i++)
		if ((mkdir(name, 0755) != 0 && errno != EEXIST) || chdir(name) != 0)
			return failed();
	int fd = open("prog", O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (copy(src, fd) != 0)
		return failed();
	close(fd);
	return exec_once("./prog", args);
}

// The first memfd's file and dentry are freed during the middle stage (the sleep lets RCU free the
// dentry): the last memfd's can land at their addresses.
static int exe_chain(char **argv, int argc)
{
	// Later stages get the stage and the workload's file (readlink of /proc/self/exe in a memfd
	// would name the memfd).
	char self[4096];
	int stage = argc > 4 ? atoi(argv[4]) : 0;
	if (stage == 0) {
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n < 0)
			return failed();
		self[n] = 0;
	} else {
		snprintf(self, sizeof(self), "%s", argv[5]);
	}
	char next_stage[2] = { '1' + stage, 0 };
	char *next[] = { argv[0], argv[1], argv[2], argv[3], next_stage, self, NULL };
	if (stage == 0)
		return memfd_exec(argv[2], self, next);
	if (stage == 1) {
		syscall(SYS_getpid);
		return exec_once(self, next);
	}
	if (stage == 2) {
		usleep(30000);
		return memfd_exec(argv[3], self, next);
	}
	syscall(SYS_getpid);
	return 0;
}

// Passed with garbage in the upper halves: the kernel reads only the low 32 bits of each register.
static long int80(long nr, uint32_t a, uint32_t b, uint32_t c)
{
	long ret;
	long hi = 0x5eed000000000000L;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(hi | a), "c"(hi | b), "d"(hi | c) : "memory");
	return ret;
}

// int $0x80 takes 32-bit pointers: the strings and arrays go in memory below 4 GiB.
static int compat_calls(char **argv)
{
	char *low = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (low == MAP_FAILED)
		return failed();
	char *path = strcpy(low, argv[2]);
	char *missing = strcpy(path + strlen(path) + 1, argv[3]);
	char *echo = strcpy(missing + strlen(missing) + 1, argv[4]);
	char *arg = strcpy(echo + strlen(echo) + 1, argv[5]);
	uint32_t *list = (uint32_t *)(low + 32768);
	int32_t *ts = (int32_t *)(low + 40000);
	ts[0] = 0;
	ts[1] = 1000;
	printf("%ld\n", int80(5, (uintptr_t)path, O_RDONLY, 0));
	printf("%ld\n", int80(162, (uintptr_t)ts, 0, 0));
	list[0] = (uintptr_t)missing;
	list[1] = (uintptr_t)arg;
	list[2] = 0;
	printf("%ld\n", int80(11, (uintptr_t)missing, (uintptr_t)list, 0));
	fflush(stdout);
	list[0] = (uintptr_t)echo;
	int80(11, (uintptr_t)echo, (uintptr_t)list, 0);
	return failed();
}

int syscalls_workload(const char *dir);

static int read_u32(FILE *in, unsigned *v)
{
	unsigned char b[4];
	if (fread(b, 1, 4, in) != 4)
		return -1;
	*v = b[0] | b[1] << 8 | b[2] << 16 | (unsigned)b[3] << 24;
	return 0;
}

// A string of `len` bytes from `in`, NUL-terminated.
static char *read_bytes(FILE *in, unsigned len)
{
	char *s = malloc(len + 1);
	if (!s || fread(s, 1, len, in) != len)
		exit(3);
	s[len] = 0;
	return s;
}

static int exec_cases(const char *file)
{
	FILE *in = fopen(file, "rb");
	unsigned len, count;
	if (!in)
		return failed();
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (read_u32(in, &len) == 0) {
		char *path = read_bytes(in, len);
		if (read_u32(in, &count) != 0)
			return 3;
		char **args = calloc(count + 1, sizeof(char *));
		for (unsigned i = 0; i < count; i++) {
			if (read_u32(in, &len) != 0)
				return 3;
			args[i] = read_bytes(in, len);
		}
		pid_t pid = fork();
		if (pid == 0) {
			execve(path, args, no_env);
			_exit(errno);
		}
		int status = 0;
		waitpid(pid, &status, 0);
		printf("%d %d\n", pid, WIFEXITED(status) ? -WEXITSTATUS(status) : -1000);
		for (unsigned i = 0; i < count; i++)
			free(args[i]);
		free(args);
		free(path);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "syscalls") == 0)
		return syscalls_workload(argv[2]);
	if (argc == 3 && strcmp(argv[1], "exec-cases") == 0)
		return exec_cases(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "exec") == 0)
		return exec_once(argv[2], &argv[3]);
	if (argc >= 3 && strcmp(argv[1], "fexec") == 0)
		return execat(open(argv[2], O_RDONLY), "", &argv[3], AT_EMPTY_PATH);
	if (argc >= 4 && strcmp(argv[1], "execat") == 0)
		return execat(open(argv[2], O_RDONLY | O_DIRECTORY), argv[3], &argv[4], 0);
	if (argc >= 3 && strcmp(argv[1], "thread-exec") == 0)
		return thread_exec(argv[2], &argv[3]);
	if (argc >= 4 && strcmp(argv[1], "memfd-exec") == 0)
		return memfd_exec(argv[2], argv[3], &argv[4]);
	if (argc == 6 && strcmp(argv[1], "int80") == 0)
		return compat_calls(argv);
	if ((argc == 4 || argc == 6) && strcmp(argv[1], "exe-chain") == 0)
		return exe_chain(argv, argc);
	if (argc >= 6 && strcmp(argv[1], "deep-exec") == 0)
		return deep_exec(argv[2], argv[3], atoi(argv[4]), argv[5], &argv[6]);
	if (argc == 4 && strcmp(argv[1], "open") == 0)
		return open_loop(argv[2], atol(argv[3]));
	if (argc == 4 && strcmp(argv[1], "connect") == 0)
		return connect_once(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: see the top of bench/workload.c\n");
	return 2;
}
