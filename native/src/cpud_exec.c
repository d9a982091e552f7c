/*
 * cpud-exec: the last step before a session's command runs. cpud (Node) is
 * multithreaded, and Linux gives a private mount namespace only to a
 * single-threaded caller of unshare(CLONE_NEWNS); this small program is
 * that caller, and then becomes the command itself (execve), so that the
 * command's exit status reaches the daemon directly and no helper stays
 * alive beside it. Starting it costs about a millisecond, where a Node
 * helper cost 100-200 ms per command.
 *
 *   cpud-exec [-n] [-w PWD] [-H HOME] [-a ARGV0] -- FILE [ARG...]
 *
 * -n    private mount namespace: mounts made private, a tmpfs on /tmp with
 *       /tmp/cpu, /tmp/local, /tmp/merge and /tmp/root, and / bound on
 *       /tmp/local (PROTOCOL.md, "Building the remote namespace", step 1)
 * -w    the client's working directory, tried first
 * -H    the home folder, tried when -w names no folder here; then /
 * -a    argv[0] for the command (a login shell's "-sh")
 *
 * FILE is searched in the PATH of this process's environment, which is the
 * command's own: the daemon starts cpud-exec with the command's environment.
 * Started by cpud only, never typed by people; its errors are written to
 * stderr as "cpud: ..." lines, which reach the client's stderr.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A shell's convention: 127 when the program is not there, 126 when it
 * cannot be run; a failure to prepare the command is 1. */
enum { STATUS_SETUP = 1, STATUS_USAGE = 2, STATUS_CANNOT_RUN = 126, STATUS_NOT_FOUND = 127 };

static void fail(int status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  fputs("cpud: ", stderr);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  exit(status);
}

static void make_namespace(void) {
  static const char *const subdirs[] = {"/tmp/cpu", "/tmp/local", "/tmp/merge", "/tmp/root"};
  if (unshare(CLONE_NEWNS) != 0)
    fail(STATUS_SETUP, "cannot make a private mount namespace: %s", strerror(errno));
  /* systemd makes / shared: without this, the mounts below would show on the host. */
  if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    fail(STATUS_SETUP, "cannot make the namespace's mounts private: %s", strerror(errno));
  if (mount("cpud-tmp", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") != 0)
    fail(STATUS_SETUP, "cannot mount a private /tmp: %s", strerror(errno));
  for (size_t i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
    if (mkdir(subdirs[i], 0755) != 0 && errno != EEXIST)
      fail(STATUS_SETUP, "cannot make %s: %s", subdirs[i], strerror(errno));
  }
  /* Not recursive, as mount --bind: the host's own tree, without its submounts. */
  if (mount("/", "/tmp/local", NULL, MS_BIND, NULL) != 0)
    fail(STATUS_SETUP, "cannot bind / on /tmp/local: %s", strerror(errno));
}

static int is_directory(const char *path) {
  struct stat st;
  return path != NULL && path[0] != '\0' && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* PROTOCOL.md: start in the client's $PWD; when that folder does not exist
 * here, warn once and use the home folder, else /. */
static void enter_working_directory(const char *pwd, const char *home) {
  if (is_directory(pwd) && chdir(pwd) == 0) return;
  const char *fallback = is_directory(home) && chdir(home) == 0 ? home : "/";
  if (fallback[0] == '/' && fallback[1] == '\0' && chdir("/") != 0)
    fail(STATUS_SETUP, "cannot enter /: %s", strerror(errno));
  if (pwd != NULL && pwd[0] != '\0')
    fprintf(stderr, "cpud: working directory \"%s\" does not exist here; starting in \"%s\"\n", pwd, fallback);
}

/* The daemon may have inherited descriptors without close-on-exec (from
 * inetd, systemd, or a parent's leak): the command must see only 0, 1, 2. */
static void close_inherited_descriptors(void) {
#ifdef SYS_close_range
  if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0) return;
#endif
  DIR *dir = opendir("/proc/self/fd");
  if (dir == NULL) {
    long max = sysconf(_SC_OPEN_MAX);
    for (long fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++) close((int)fd);
    return;
  }
  int own = dirfd(dir);
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL) {
    int fd = atoi(entry->d_name);
    if (fd > 2 && fd != own) close(fd);
  }
  closedir(dir);
}

static const char *exec_reason(int error) {
  switch (error) {
    case ENOENT:
      return "no such file or directory";
    case EACCES:
      return "permission denied";
    case E2BIG:
      return "the command line and environment are larger than Linux allows (E2BIG)";
    default:
      return strerror(error);
  }
}

int main(int argc, char **argv) {
  int namespace = 0;
  const char *pwd = NULL, *home = NULL, *argv0 = NULL;
  int option;
  while ((option = getopt(argc, argv, "+nw:H:a:")) != -1) {
    switch (option) {
      case 'n': namespace = 1; break;
      case 'w': pwd = optarg; break;
      case 'H': home = optarg; break;
      case 'a': argv0 = optarg; break;
      default: fail(STATUS_USAGE, "cpud-exec: usage: cpud-exec [-n] [-w PWD] [-H HOME] [-a ARGV0] -- FILE [ARG...]");
    }
  }
  if (optind >= argc)
    fail(STATUS_USAGE, "cpud-exec: no command given (usage: cpud-exec [-n] [-w PWD] [-H HOME] [-a ARGV0] -- FILE [ARG...])");

  if (namespace) make_namespace();
  enter_working_directory(pwd, home);
  close_inherited_descriptors();

  char **command = &argv[optind];
  const char *file = command[0];
  if (argv0 != NULL) command[0] = (char *)argv0;
  execvp(file, command);
  int error = errno;
  fail(error == ENOENT ? STATUS_NOT_FOUND : STATUS_CANNOT_RUN, "cannot run \"%s\": %s", file, exec_reason(error));
}
