// cpud's few Linux calls that Node has no API for: for the init role
// (PID 1), reaping one orphan by pid, mount(2), bringing a link up, and
// becoming a child subreaper; for sessions, a real pipe. Every function is synchronous and returns
// errno as a negative number instead of throwing, so the caller decides.
#include <napi.h>

#include <fcntl.h>
#include <malloc.h>

#include <cerrno>
#include <cstring>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

// reap(pid): waitpid(pid, WNOHANG) for one pid the caller proved is an
// orphan (a zombie whose parent is us and that Node did not spawn). Never
// waits on "any child": that would take the status of a child libuv or
// node-pty is waiting for (the Go daemon lost session exit codes that way).
// Returns the raw wait status, -1 when the pid has not exited, or -errno.
Napi::Value Reap(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  pid_t pid = info[0].As<Napi::Number>().Int32Value();
  if (pid <= 0) return Napi::Number::New(env, -EINVAL);
  int status = 0;
  pid_t got = waitpid(pid, &status, WNOHANG);
  if (got < 0) return Napi::Number::New(env, -errno);
  if (got == 0) return Napi::Number::New(env, -1);
  return Napi::Number::New(env, status);
}

// mount(source, target, fstype, flags, data): 0 or -errno.
Napi::Value Mount(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string source = info[0].As<Napi::String>().Utf8Value();
  std::string target = info[1].As<Napi::String>().Utf8Value();
  std::string fstype = info[2].As<Napi::String>().Utf8Value();
  unsigned long flags = info[3].As<Napi::Number>().Int64Value();
  std::string data = info[4].As<Napi::String>().Utf8Value();
  int rc = mount(source.c_str(), target.c_str(), fstype.c_str(), flags,
                 data.empty() ? nullptr : data.c_str());
  return Napi::Number::New(env, rc == 0 ? 0 : -errno);
}

// linkUp(name): sets IFF_UP on an interface (what `ip link set lo up`
// does), because a boot image may have neither iproute2 nor busybox ip.
Napi::Value LinkUp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>().Utf8Value();
  if (name.size() >= IFNAMSIZ) return Napi::Number::New(env, -EINVAL);
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Napi::Number::New(env, -errno);
  struct ifreq req;
  std::memset(&req, 0, sizeof req);
  std::strncpy(req.ifr_name, name.c_str(), IFNAMSIZ - 1);
  int rc = ioctl(fd, SIOCGIFFLAGS, &req);
  if (rc == 0 && !(req.ifr_flags & IFF_UP)) {
    req.ifr_flags |= IFF_UP;
    rc = ioctl(fd, SIOCSIFFLAGS, &req);
  }
  int err = errno;
  close(fd);
  return Napi::Number::New(env, rc == 0 ? 0 : -err);
}

// setChildSubreaper(): orphans of our descendants come to us instead of
// PID 1 (prctl PR_SET_CHILD_SUBREAPER, Linux 3.4), for `-init` when cpud
// is not PID 1. 0 or -errno.
Napi::Value SetChildSubreaper(const Napi::CallbackInfo& info) {
  int rc = prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  return Napi::Number::New(info.Env(), rc == 0 ? 0 : -errno);
}

// pipe(capacity): [readFd, writeFd] of a new pipe, both close-on-exec, its
// buffer grown to `capacity` bytes when the kernel allows (F_SETPIPE_SZ;
// /proc/sys/fs/pipe-max-size caps it for non-root), or -errno. Node's
// spawn makes a socketpair for each stdio 'pipe'; reading command output
// from a real pipe costs about a third less CPU per byte, and a bigger
// buffer lets one read take more of it.
Napi::Value Pipe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int capacity = info[0].As<Napi::Number>().Int32Value();
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Napi::Number::New(env, -errno);
  if (capacity > 0) fcntl(fds[1], F_SETPIPE_SZ, capacity);
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(uint32_t{0}, Napi::Number::New(env, fds[0]));
  result.Set(uint32_t{1}, Napi::Number::New(env, fds[1]));
  return result;
}

// socketPair(): [fd, fd] of a connected AF_UNIX stream pair, both
// close-on-exec, or -errno. For a command whose output may come from the
// client's 9P files (see src/session/command-pipes.ts): the two ends of a
// socketpair share no lock, where a pipe's writer holds the pipe's mutex
// for as long as it takes to fetch the bytes it splices in.
Napi::Value SocketPair(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return Napi::Number::New(env, -errno);
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(uint32_t{0}, Napi::Number::New(env, fds[0]));
  result.Set(uint32_t{1}, Napi::Number::New(env, fds[1]));
  return result;
}

// mallocTrim(): gives the C heap's free pages back to the kernel
// (malloc_trim(0)); returns 1 when some were released. A stream of command
// output grows glibc's heap by tens of MB through Node's buffers, and glibc
// keeps the pages after they are freed: an idle daemon would stay as large
// as its busiest moment.
Napi::Value MallocTrim(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), malloc_trim(0));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("reap", Napi::Function::New(env, Reap));
  exports.Set("mount", Napi::Function::New(env, Mount));
  exports.Set("linkUp", Napi::Function::New(env, LinkUp));
  exports.Set("setChildSubreaper", Napi::Function::New(env, SetChildSubreaper));
  exports.Set("pipe", Napi::Function::New(env, Pipe));
  exports.Set("socketPair", Napi::Function::New(env, SocketPair));
  exports.Set("mallocTrim", Napi::Function::New(env, MallocTrim));
  return exports;
}

}  // namespace

NODE_API_MODULE(cpud_native, Init)
