// `workload syscalls DIR`: one call each of several dozen syscalls (file, process, network, memory,
// ipc, credentials), made with syscall(2) so that each is exactly the syscall named, with known
// results. For each it prints one line: NAME, the result (or -errno), then every argument as
// FIELD=KIND:VALUE, tab-separated. KIND: i int32, u u_int32, l int64, U u_int64, p pointer, s str,
// a socket address (FAMILY,ADDRESS,PORT; empty for none), t timespec (SEC,NSEC), 2 two ints (A,B).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static long result(long r)
{
	return r < 0 ? -errno : r;
}

#define P(x) ((unsigned long)(x))

int syscalls_workload(const char *dir)
{
	char a[256], b[256], c[256], buf[4096];
	long r;
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	snprintf(c, sizeof(c), "%s/f", dir);

	r = result(syscall(SYS_mkdirat, AT_FDCWD, a, 0755));
	printf("mkdirat\t%ld\tdirfd=i:%d\tpathname=s:%s\tmode=u:%u\n", r, AT_FDCWD, a, 0755);
	r = result(syscall(SYS_mkdir, b, 0700));
	printf("mkdir\t%ld\tpathname=s:%s\tmode=u:%u\n", r, b, 0700);
	r = result(syscall(SYS_rmdir, b));
	printf("rmdir\t%ld\tpathname=s:%s\n", r, b);
	int flags = O_CREAT | O_RDWR;
	int fd = result(syscall(SYS_open, c, flags, 0644));
	printf("open\t%d\tpathname=s:%s\tflags=i:%d\tmode=u:%u\n", fd, c, flags, 0644);
	const char *text = "hello";
	r = result(syscall(SYS_write, fd, text, 5));
	printf("write\t%ld\tfd=i:%d\tbuf=p:%lu\tcount=U:5\n", r, fd, P(text));
	r = result(syscall(SYS_pwrite64, fd, text, 3, 10));
	printf("pwrite64\t%ld\tfd=i:%d\tbuf=p:%lu\tcount=U:3\toffset=l:10\n", r, fd, P(text));
	r = result(syscall(SYS_lseek, fd, 0, SEEK_SET));
	printf("lseek\t%ld\tfd=i:%d\toffset=l:0\twhence=u:%d\n", r, fd, SEEK_SET);
	r = result(syscall(SYS_read, fd, buf, 2));
	printf("read\t%ld\tfd=i:%d\tbuf=p:%lu\tcount=U:2\n", r, fd, P(buf));
	r = result(syscall(SYS_fsync, fd));
	printf("fsync\t%ld\tfd=i:%d\n", r, fd);
	r = result(syscall(SYS_ftruncate, fd, 100));
	printf("ftruncate\t%ld\tfd=i:%d\tlength=l:100\n", r, fd);
	r = result(syscall(SYS_fchmod, fd, 0600));
	printf("fchmod\t%ld\tfd=i:%d\tmode=u:%u\n", r, fd, 0600);
	r = result(syscall(SYS_fcntl, fd, F_GETFL, 0));
	printf("fcntl\t%ld\tfd=i:%d\tcmd=i:%d\targ=U:0\n", r, fd, F_GETFL);
	int dupped = result(syscall(SYS_dup, fd));
	printf("dup\t%d\toldfd=i:%d\n", dupped, fd);
	r = result(syscall(SYS_dup3, fd, 100, O_CLOEXEC));
	printf("dup3\t%ld\toldfd=i:%d\tnewfd=i:100\tflags=i:%d\n", r, fd, O_CLOEXEC);
	r = result(syscall(SYS_close, dupped));
	printf("close\t%ld\tfd=i:%d\n", r, dupped);
	r = result(syscall(SYS_chmod, c, 0640));
	printf("chmod\t%ld\tpathname=s:%s\tmode=u:%u\n", r, c, 0640);
	r = result(syscall(SYS_access, c, R_OK));
	printf("access\t%ld\tpathname=s:%s\tmode=i:%d\n", r, c, R_OK);
	snprintf(buf, sizeof(buf), "%s/missing", dir);
	r = result(syscall(SYS_faccessat, AT_FDCWD, buf, F_OK, 0));
	printf("faccessat\t%ld\tdirfd=i:%d\tpathname=s:%s\tmode=i:%d\tflags=i:0\n", r, AT_FDCWD, buf, F_OK);
	char g[256], h[256], s[256];
	snprintf(g, sizeof(g), "%s/g", dir);
	snprintf(h, sizeof(h), "%s/h", dir);
	snprintf(s, sizeof(s), "%s/s", dir);
	r = result(syscall(SYS_rename, c, g));
	printf("rename\t%ld\toldpath=s:%s\tnewpath=s:%s\n", r, c, g);
	r = result(syscall(SYS_link, g, h));
	printf("link\t%ld\toldpath=s:%s\tnewpath=s:%s\n", r, g, h);
	r = result(syscall(SYS_symlink, "g", s));
	printf("symlink\t%ld\ttarget=s:g\tlinkpath=s:%s\n", r, s);
	memset(buf, 0, sizeof(buf));
	r = result(syscall(SYS_readlink, s, buf, 64));
	printf("readlink\t%ld\tpathname=s:%s\tbuf=s:%s\tbufsiz=U:64\n", r, s, buf);
	r = result(syscall(SYS_unlink, h));
	printf("unlink\t%ld\tpathname=s:%s\n", r, h);
	r = result(syscall(SYS_truncate, g, 10));
	printf("truncate\t%ld\tpath=s:%s\tlength=l:10\n", r, g);
	r = result(syscall(SYS_chdir, dir));
	printf("chdir\t%ld\tpath=s:%s\n", r, dir);
	memset(buf, 0, sizeof(buf));
	r = result(syscall(SYS_getcwd, buf, sizeof(buf)));
	printf("getcwd\t%ld\tbuf=s:%s\tsize=U:%zu\n", r, buf, sizeof(buf));

	int fds[2] = { -1, -1 };
	r = result(syscall(SYS_pipe2, fds, O_CLOEXEC));
	printf("pipe2\t%ld\tpipefd=2:%d,%d\tflags=i:%d\n", r, fds[0], fds[1], O_CLOEXEC);
	r = result(syscall(SYS_getpid));
	printf("getpid\t%ld\n", r);
	r = result(syscall(SYS_getppid));
	printf("getppid\t%ld\n", r);
	r = result(syscall(SYS_setpgid, 0, 0));
	printf("setpgid\t%ld\tpid=i:0\tpgid=i:0\n", r);
	r = result(syscall(SYS_getpgid, 0));
	printf("getpgid\t%ld\tpid=i:0\n", r);
	r = result(syscall(SYS_umask, 022));
	printf("umask\t%ld\tmask=u:%u\n", r, 022);
	const char *name = "sluice-wl";
	r = result(syscall(SYS_prctl, PR_SET_NAME, name, 0, 0, 0));
	printf("prctl\t%ld\toption=i:%d\targ2=U:%lu\targ3=U:0\targ4=U:0\targ5=U:0\n", r, PR_SET_NAME, P(name));
	r = result(syscall(SYS_kill, getpid(), 0));
	printf("kill\t%ld\tpid=i:%d\tsig=i:0\n", r, getpid());
	struct utsname uts;
	r = result(syscall(SYS_uname, &uts));
	printf("uname\t%ld\tbuf=p:%lu\n", r, P(&uts));
	r = result(syscall(SYS_sched_yield));
	printf("sched_yield\t%ld\n", r);
	struct timespec req = { 0, 1000 }, now = { 0, 0 };
	r = result(syscall(SYS_nanosleep, &req, NULL));
	printf("nanosleep\t%ld\treq=t:0,1000\trem=t:\n", r);
	// A pointer argument that points nowhere: zero-filled, not marked cut.
	r = result(syscall(SYS_nanosleep, (void *)1, NULL));
	printf("nanosleep\t%ld\treq=t:\trem=t:\n", r);
	r = result(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now));
	printf("clock_gettime\t%ld\tclockid=i:%d\ttp=t:%ld,%ld\n", r, CLOCK_MONOTONIC, now.tv_sec, now.tv_nsec);

	int server = result(syscall(SYS_socket, AF_INET, SOCK_STREAM, 0));
	printf("socket\t%d\tdomain=i:%d\ttype=i:%d\tprotocol=i:0\n", server, AF_INET, SOCK_STREAM);
	int one = 1;
	r = result(syscall(SYS_setsockopt, server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	printf("setsockopt\t%ld\tsockfd=i:%d\tlevel=i:%d\toptname=i:%d\toptval=p:%lu\toptlen=i:%zu\n", r, server,
	       SOL_SOCKET, SO_REUSEADDR, P(&one), sizeof(one));
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);
	r = result(syscall(SYS_listen, server, 5));
	printf("listen\t%ld\tsockfd=i:%d\tbacklog=i:5\n", r, server);
	r = result(syscall(SYS_getsockname, server, &addr, &len));
	printf("getsockname\t%ld\tsockfd=i:%d\taddr=a:AF_INET,%s,%d\taddrlen=p:%lu\n", r, server,
	       inet_ntoa(addr.sin_addr), ntohs(addr.sin_port), P(&len));
	int client = syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	if (connect(client, (struct sockaddr *)&addr, sizeof(addr)) != 0)
		return 1;
	struct sockaddr_in peer;
	socklen_t peer_len = sizeof(peer);
	int accepted = result(syscall(SYS_accept, server, &peer, &peer_len));
	printf("accept\t%d\tsockfd=i:%d\taddr=a:AF_INET,%s,%d\taddrlen=p:%lu\n", accepted, server,
	       inet_ntoa(peer.sin_addr), ntohs(peer.sin_port), P(&peer_len));
	r = result(syscall(SYS_sendto, client, "hi", 2, 0, NULL, 0));
	printf("sendto\t%ld\tsockfd=i:%d\tbuf=p:%lu\tlen=U:2\tflags=i:0\tdest_addr=a:\taddrlen=i:0\n", r, client,
	       P("hi"));
	r = result(syscall(SYS_recvfrom, accepted, buf, 16, 0, NULL, NULL));
	printf("recvfrom\t%ld\tsockfd=i:%d\tbuf=p:%lu\tlen=U:16\tflags=i:0\tsrc_addr=a:\taddrlen=p:0\n", r, accepted,
	       P(buf));
	r = result(syscall(SYS_shutdown, client, SHUT_RDWR));
	printf("shutdown\t%ld\tsockfd=i:%d\thow=i:%d\n", r, client, SHUT_RDWR);
	int sv[2] = { -1, -1 };
	r = result(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, sv));
	printf("socketpair\t%ld\tdomain=i:%d\ttype=i:%d\tprotocol=i:0\tsv=2:%d,%d\n", r, AF_UNIX, SOCK_STREAM, sv[0],
	       sv[1]);

	int prot = PROT_READ | PROT_WRITE, mflags = MAP_PRIVATE | MAP_ANONYMOUS;
	long map = syscall(SYS_mmap, NULL, 4096, prot, mflags, -1, 0);
	printf("mmap\t%ld\taddr=p:0\tlength=U:4096\tprot=i:%d\tflags=i:%d\tfd=i:-1\toff=l:0\n", map, prot, mflags);
	r = result(syscall(SYS_mprotect, map, 4096, PROT_READ));
	printf("mprotect\t%ld\taddr=p:%lu\tlen=U:4096\tprot=i:%d\n", r, P(map), PROT_READ);
	r = result(syscall(SYS_madvise, map, 4096, MADV_DONTNEED));
	printf("madvise\t%ld\taddr=p:%lu\tlength=U:4096\tadvice=i:%d\n", r, P(map), MADV_DONTNEED);
	r = result(syscall(SYS_munmap, map, 4096));
	printf("munmap\t%ld\taddr=p:%lu\tlength=U:4096\n", r, P(map));
	r = syscall(SYS_brk, 0);
	printf("brk\t%ld\taddr=p:0\n", r);
	r = result(syscall(SYS_eventfd2, 3, 0));
	printf("eventfd2\t%ld\tinitval=u:3\tflags=i:0\n", r);
	int shm = result(syscall(SYS_shmget, IPC_PRIVATE, 4096, IPC_CREAT | 0600));
	printf("shmget\t%d\tkey=i:%d\tsize=U:4096\tshmflg=i:%d\n", shm, IPC_PRIVATE, IPC_CREAT | 0600);
	r = result(syscall(SYS_shmctl, shm, IPC_RMID, NULL));
	printf("shmctl\t%ld\tshmid=i:%d\tcmd=i:%d\tbuf=p:0\n", r, shm, IPC_RMID);
	uid_t ruid, euid, suid;
	r = result(syscall(SYS_getresuid, &ruid, &euid, &suid));
	printf("getresuid\t%ld\truid=p:%lu\teuid=p:%lu\tsuid=p:%lu\n", r, P(&ruid), P(&euid), P(&suid));
	r = result(syscall(SYS_getgroups, 0, NULL));
	printf("getgroups\t%ld\tsize=i:0\tlist=p:0\n", r);
	r = result(syscall(SYS_fchdir, 987));
	printf("fchdir\t%ld\tfd=i:987\n", r);
	printf("exit_group\t0\tstatus=i:7\n");
	syscall(SYS_exit_group, 7);
	return 0;
}
