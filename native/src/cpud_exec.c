/*
 * cpud-exec: the last step before a session's command runs. cpud (Node) is
 * multithreaded, and Linux gives a private mount namespace only to a
 * single-threaded caller of unshare(CLONE_NEWNS); this small program is
 * that caller, and then becomes the command itself (execve), so that the
 * command's exit status reaches the daemon directly and no helper stays
 * alive beside it. Starting it costs about a millisecond, where a Node
 * helper cost 100-200 ms per command.
 *
 *   cpud-exec [-n [-k DIR]] [-u DIR] [-w PWD] [-H HOME] [-a ARGV0] -- FILE [ARG...]
 *
 * -n    private mount namespace: mounts made private, a tmpfs on /tmp with
 *       /tmp/cpu, /tmp/local, /tmp/merge and /tmp/root, and / bound on
 *       /tmp/local (PROTOCOL.md, "Building the remote namespace", step 1)
 * -k    with -n: keep DIR, a folder under /tmp, at its path over the fresh
 *       /tmp. cpud run from a checkout under /tmp needs its own files there
 *       for the `cpud -remote` helper, which then starts the command with -u.
 * -u    detach a folder kept by -k and remove the folders made for it, so
 *       that the command finds its /tmp as fresh as any other command's
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
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A shell's convention: 127 when the program is not there, 126 when it
 * cannot be run; a failure to prepare the command is 1. */
#define USAGE "cpud-exec [-n [-k DIR]] [-u DIR] [-w PWD] [-H HOME] [-a ARGV0] -- FILE [ARG...]"

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

static int is_under_tmp(const char *path) {
  return strncmp(path, "/tmp/", 5) == 0 && path[5] != '\0' && strstr(path, "/../") == NULL;
}

/* mkdir -p for a folder under the fresh /tmp. */
static void make_folders(const char *path) {
  char partial[4096];
  if (strlen(path) >= sizeof partial) fail(STATUS_SETUP, "folder name too long: %s", path);
  for (const char *slash = strchr(path + 5, '/');; slash = strchr(slash + 1, '/')) {
    size_t length = slash ? (size_t)(slash - path) : strlen(path);
    memcpy(partial, path, length);
    partial[length] = '\0';
    if (mkdir(partial, 0755) != 0 && errno != EEXIST)
      fail(STATUS_SETUP, "cannot make %s: %s", partial, strerror(errno));
    if (!slash) return;
  }
}

static void make_namespace(const char *keep) {
  static const char *const subdirs[] = {"/tmp/cpu", "/tmp/local", "/tmp/merge", "/tmp/root"};
  if (unshare(CLONE_NEWNS) != 0)
    fail(STATUS_SETUP, "cannot make a private mount namespace: %s", strerror(errno));
  /* systemd makes / shared: without this, the mounts below would show on the host. */
  if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    fail(STATUS_SETUP, "cannot make the namespace's mounts private: %s", strerror(errno));
  /* A detached copy of the kept folder, taken before the tmpfs hides it. */
  int kept = -1;
  if (keep != NULL) {
    kept = open_tree(AT_FDCWD, keep, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    if (kept < 0) fail(STATUS_SETUP, "cannot keep %s in the namespace: %s", keep, strerror(errno));
  }
  if (mount("cpud-tmp", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") != 0)
    fail(STATUS_SETUP, "cannot mount a private /tmp: %s", strerror(errno));
  for (size_t i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
    if (mkdir(subdirs[i], 0755) != 0 && errno != EEXIST)
      fail(STATUS_SETUP, "cannot make %s: %s", subdirs[i], strerror(errno));
  }
  /* Not recursive, as mount --bind: the host's own tree, without its submounts. */
  if (mount("/", "/tmp/local", NULL, MS_BIND, NULL) != 0)
    fail(STATUS_SETUP, "cannot bind / on /tmp/local: %s", strerror(errno));
  if (kept >= 0) {
    make_folders(keep);
    if (move_mount(kept, "", AT_FDCWD, keep, MOVE_MOUNT_F_EMPTY_PATH) != 0)
      fail(STATUS_SETUP, "cannot keep %s in the namespace: %s", keep, strerror(errno));
    close(kept);
  }
}

/* Whether the /tmp on top is the tmpfs that -n mounts (source "cpud-tmp"). */
static int in_cpud_namespace(void) {
  FILE *table = fopen("/proc/self/mountinfo", "r");
  if (table == NULL) return 0;
  char line[8192], where[4096], type[256], source[256];
  int ours = 0;
  while (fgets(line, sizeof line, table) != NULL) {
    const char *rest = strstr(line, " - ");
    if (rest == NULL || sscanf(line, "%*s %*s %*s %*s %4095s", where) != 1) continue;
    if (strcmp(where, "/tmp") != 0 || sscanf(rest, " - %255s %255s", type, source) != 2) continue;
    ours = strcmp(type, "tmpfs") == 0 && strcmp(source, "cpud-tmp") == 0;
  }
  fclose(table);
  return ours;
}

/* Undoes -k: the folder's mount goes, then each folder made for it. */
static void unkeep(const char *kept) {
  /* Never the host's own mounts: only inside a namespace that cpud-exec -n made. */
  if (!in_cpud_namespace())
    fail(STATUS_SETUP, "refusing to detach %s outside a private mount namespace", kept);
  if (umount2(kept, MNT_DETACH) != 0)
    fail(STATUS_SETUP, "cannot detach %s from the namespace: %s", kept, strerror(errno));
  char folder[4096];
  snprintf(folder, sizeof folder, "%s", kept);
  for (char *slash; strcmp(folder, "/tmp") != 0 && rmdir(folder) == 0;) {
    slash = strrchr(folder, '/');
    *slash = '\0';
  }
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
  const char *pwd = NULL, *home = NULL, *argv0 = NULL, *keep = NULL, *unkept = NULL;
  int option;
  while ((option = getopt(argc, argv, "+nk:u:w:H:a:")) != -1) {
    switch (option) {
      case 'n': namespace = 1; break;
      case 'k': keep = optarg; break;
      case 'u': unkept = optarg; break;
      case 'w': pwd = optarg; break;
      case 'H': home = optarg; break;
      case 'a': argv0 = optarg; break;
      default: fail(STATUS_USAGE, "cpud-exec: usage: " USAGE);
    }
  }
  if (optind >= argc)
    fail(STATUS_USAGE, "cpud-exec: no command given (usage: " USAGE ")");
  if ((keep != NULL && (!namespace || !is_under_tmp(keep))) || (unkept != NULL && !is_under_tmp(unkept)))
    fail(STATUS_USAGE, "cpud-exec: -k goes with -n, and -k and -u take a folder under /tmp");

  if (namespace) make_namespace(keep);
  if (unkept != NULL) unkeep(unkept);
  enter_working_directory(pwd, home);
  close_inherited_descriptors();

  char **command = &argv[optind];
  const char *file = command[0];
  if (argv0 != NULL) command[0] = (char *)argv0;
  execvp(file, command);
  int error = errno;
  fail(error == ENOENT ? STATUS_NOT_FOUND : STATUS_CANNOT_RUN, "cannot run \"%s\": %s", file, exec_reason(error));
}
