/**
 * The source of the native builder spawner: the C program that starts the
 * local realiser's builders and reports on them (see `builder-spawner.ts`,
 * and `native-spawner.ts`, which compiles it on first use). It does what
 * the Node spawner (`builder-spawner-program.ts`) does, but a builder is
 * created with `vfork()` and `exec()`: nothing of the spawner's address
 * space is copied, where libuv forks the Node spawner's 50 MB process for
 * every builder (about 0.8 ms of each trivial build's 3.4 ms on the
 * critical path). Not `posix_spawn()`, which glibc does the same way but
 * which leaves glibc's internal signals ignored in the builder; and the
 * child's few system calls are fewer than glibc's reset of every signal.
 * Nix's daemon forks its builders from a C++ process of its own likewise.
 *
 * It is a string constant, not a `.c` file, so that it reaches Kiln run
 * from its sources, from its built `dist` and from the packed CLI's bundle
 * alike, as the Node spawner's program does (it must contain no backtick).
 *
 * Protocol (the realiser writes to its standard input and reads its
 * standard output; integers are 32-bit, in the host's byte order: both
 * ends are on one machine):
 * - in: `length, id, argc, envc`, then NUL-ended strings: the command, the
 *   working directory, `argc` arguments, `envc` `NAME=value`s (`length`
 *   counts what follows it): start a builder, in a session and process
 *   group of its own, standard input `/dev/null`, standard output and
 *   error one pipe (as Nix's builders have);
 * - out: `length, id`, a type byte, then: `S` started (pid, then its
 *   `/proc/<pid>/stat`, read before it can have been reaped, or nothing);
 *   `O` output (bytes); `X` it has ended but what it left running holds its
 *   pipe (not sent when the pipe closed with it); `C` its pipe is closed:
 *   its outcome (exit code or -1, signal number or 0); `E` it could not be
 *   started (a message naming the errno, as Node's `spawn` does).
 *
 * An ended builder's pipe held open longer than the grace period (its first
 * argument, milliseconds) is closed, as the Node spawner's is. When a builder
 * has ended, whatever is left in its process group is killed (SIGKILL) before
 * its end is reported, as the realiser would kill it: so the realiser need not
 * (a failed kill of an empty group costs Node an exception per build). When
 * the realiser's end of either pipe goes (it ended, or was killed), it kills
 * every running builder's process group, reaps them, and exits. It never kills otherwise:
 * the realiser signals running builders and sweeps the process table itself.
 */

/** The C source of the native builder spawner. */
export const NATIVE_SPAWNER_SOURCE = String.raw`
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* One builder: its id in the protocol, its pid, the read end of its output pipe (-1 once closed). */
struct builder {
  uint32_t id;
  pid_t pid;
  int fd;
  int reaped;
  int status;
  int64_t deadline;
};

static struct builder *builders;
static size_t count, capacity;
static char *out;
static size_t out_length, out_capacity;
static int64_t grace_ms;
/* The signals whose disposition is not the default here (SIGPIPE, and any inherited ignored): the builder gets them default. Fewer calls in the child than all. */
static sigset_t not_default;
/* Opened once: the builder's standard input. */
static int dev_null = -1;

static int64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The realiser is gone (its end of a pipe closed): every builder's process group is killed, as it would have killed them. */
static void finish(void) {
  for (size_t i = 0; i < count; i++)
    if (!builders[i].reaped) kill(-builders[i].pid, SIGKILL);
  /* Reaped before the spawner goes, so that none is left a zombie for init to collect: once Kiln has seen the
     spawner end, the builders have too. One stuck in the kernel is waited for at most two seconds. */
  int64_t deadline = now_ms() + 2000;
  for (size_t i = 0; i < count; i++) {
    if (builders[i].reaped) continue;
    while (waitpid(builders[i].pid, NULL, WNOHANG) == 0 && now_ms() < deadline) {
      struct timespec pause = {0, 1000000};
      nanosleep(&pause, NULL);
    }
  }
  exit(0);
}

static void flush(void) {
  size_t done = 0;
  while (done < out_length) {
    ssize_t n = write(1, out + done, out_length - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) finish();
    done += (size_t)n;
  }
  out_length = 0;
}

/* Queues a message: u32 length of what follows, u32 id, u8 type, then the payload. */
static void message(uint32_t id, char type, const void *a, size_t a_length, const void *b, size_t b_length) {
  uint32_t length = (uint32_t)(4 + 1 + a_length + b_length);
  size_t need = out_length + 4 + length;
  if (need > out_capacity) {
    out_capacity = need * 2;
    out = realloc(out, out_capacity);
    if (out == NULL) abort();
  }
  memcpy(out + out_length, &length, 4);
  memcpy(out + out_length + 4, &id, 4);
  out[out_length + 8] = type;
  if (a_length > 0) memcpy(out + out_length + 9, a, a_length);
  if (b_length > 0) memcpy(out + out_length + 9 + a_length, b, b_length);
  out_length = need;
  if (out_length >= 1 << 16) flush();
}

/* The name of errno value error (ENOENT), as Node's spawn puts it in its message; a C library without strerrorname_np knows fewer. */
static const char *error_name(int error) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char *name = strerrorname_np(error);
  if (name != NULL) return name;
#endif
  switch (error) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case ENOEXEC: return "ENOEXEC";
    case ENOTDIR: return "ENOTDIR";
    case ENOMEM: return "ENOMEM";
    case E2BIG: return "E2BIG";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ETXTBSY: return "ETXTBSY";
    case EPERM: return "EPERM";
    case EAGAIN: return "EAGAIN";
    case EMFILE: return "EMFILE";
    default: return "error";
  }
}

static void send_error(uint32_t id, const char *command, int error) {
  char text[4096];
  int n = snprintf(text, sizeof text, "spawn %s %s (%s)", command, error_name(error), strerror(error));
  message(id, 'E', text, n < 0 ? 0 : (size_t)n >= sizeof text ? sizeof text - 1 : (size_t)n, NULL, 0);
}

/* Closes builder i's pipe and reports how it ended; it is forgotten. */
static void closed(size_t i) {
  struct builder *b = &builders[i];
  int32_t outcome[2] = {-1, 0};
  if (WIFEXITED(b->status)) outcome[0] = WEXITSTATUS(b->status);
  else if (WIFSIGNALED(b->status)) outcome[1] = WTERMSIG(b->status);
  if (b->fd >= 0) close(b->fd);
  message(b->id, 'C', outcome, sizeof outcome, NULL, 0);
  builders[i] = builders[--count];
}

/* Reads what builder i's pipe holds now; returns 1 when it has been closed by every writer. */
static int drain(size_t i) {
  static char chunk[65536];
  for (;;) {
    ssize_t n = read(builders[i].fd, chunk, sizeof chunk);
    if (n > 0) {
      message(builders[i].id, 'O', chunk, (size_t)n, NULL, 0);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return 0;
    close(builders[i].fd);
    builders[i].fd = -1;
    return 1;
  }
}

/*
 * Starts a builder: vfork() and exec, so that nothing of this process is
 * copied (the child borrows its memory until it has exec'd, and this
 * process waits until then). The child does system calls only. It gets its
 * own session, standard input /dev/null, standard output and error the
 * pipe, no blocked signal and every signal this process does not leave at
 * its default reset (glibc's posix_spawn() would leave its internal
 * signals ignored in the builder, which Node's spawn does not).
 * Returns 0, or the errno that stopped the builder.
 */
static int spawn(pid_t *pid_out, const char *command, char **args, char **envp, const char *cwd, int output, int bare) {
  /* Written by the child, which shares this memory until exec. */
  volatile int failure = 0;
  pid_t pid = vfork();
  if (pid == 0) {
    if (setsid() < 0) goto failed;
    if (dev_null >= 0 ? dup2(dev_null, 0) < 0 : open("/dev/null", O_RDONLY) != 0) goto failed;
    if (dup2(output, 1) < 0 || dup2(output, 2) < 0) goto failed;
    if (chdir(cwd) != 0) goto failed;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
      if (sigismember(&not_default, sig) == 1) sigaction(sig, &action, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (bare) execvpe(command, args, envp);
    else execve(command, args, envp);
  failed:
    failure = errno;
    _exit(127);
  }
  if (pid < 0) return errno;
  if (failure != 0) {
    waitpid(pid, NULL, 0);
    return failure;
  }
  *pid_out = pid;
  return 0;
}

/* Request: u32 id, u32 argc, u32 envc, then NUL-ended strings: command, cwd, argc arguments, envc "NAME=value". */
static void start(const char *request, size_t length) {
  uint32_t id, argc, envc;
  if (length < 12) abort();
  memcpy(&id, request, 4);
  memcpy(&argc, request + 4, 4);
  memcpy(&envc, request + 8, 4);
  const char *p = request + 12, *end = request + length;
  char **strings = calloc((size_t)argc + envc + 4, sizeof(char *));
  if (strings == NULL) abort();
  size_t n = 0;
  while (p < end && n < (size_t)argc + envc + 2) {
    strings[n++] = (char *)p;
    p += strlen(p) + 1;
  }
  if (n != (size_t)argc + envc + 2) abort();
  const char *command = strings[0], *cwd = strings[1];
  char **envp = calloc((size_t)envc + 1, sizeof(char *));
  if (envp == NULL) abort();
  memcpy(envp, strings + 2 + argc, envc * sizeof(char *));
  /* The arguments, the command first and NULL last. */
  char **args = calloc((size_t)argc + 2, sizeof(char *));
  if (args == NULL) abort();
  args[0] = (char *)command;
  memcpy(args + 1, strings + 2, argc * sizeof(char *));

  pid_t pid_out = 0;
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    send_error(id, command, errno);
    free(strings), free(envp), free(args);
    return;
  }
  int bare = strchr(command, '/') == NULL;
  if (bare) {
    /* A bare name is looked up on the builder's PATH, as Node's spawn does (execvpe reads this process's). */
    const char *path = "/usr/local/bin:/usr/bin:/bin";
    for (uint32_t i = 0; i < envc; i++)
      if (strncmp(envp[i], "PATH=", 5) == 0) path = envp[i] + 5;
    setenv("PATH", path, 1);
  }
  int error = spawn(&pid_out, command, args, envp, cwd, pipe_fds[1], bare);
  pid_t pid = pid_out;
  close(pipe_fds[1]);
  if (error != 0) {
    close(pipe_fds[0]);
    send_error(id, command, error);
    free(strings), free(envp), free(args);
    return;
  }
  free(strings), free(envp), free(args);
  fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);
  /* Its start time, read before it can have been reaped (only this loop reaps). */
  char stat[1024];
  size_t stat_length = 0;
  char stat_path[64];
  snprintf(stat_path, sizeof stat_path, "/proc/%d/stat", (int)pid);
  int stat_fd = open(stat_path, O_RDONLY | O_CLOEXEC);
  if (stat_fd >= 0) {
    ssize_t n = read(stat_fd, stat, sizeof stat);
    if (n > 0) stat_length = (size_t)n;
    close(stat_fd);
  }
  int32_t pid32 = pid;
  message(id, 'S', &pid32, 4, stat, stat_length);
  if (count == capacity) {
    capacity = capacity == 0 ? 16 : capacity * 2;
    builders = realloc(builders, capacity * sizeof *builders);
    if (builders == NULL) abort();
  }
  builders[count++] = (struct builder){id, pid, pipe_fds[0], 0, 0, 0};
}

int main(int argc, char **argv) {
  grace_ms = argc > 1 ? atoll(argv[1]) : 2000;
  sigemptyset(&not_default);
  for (int sig = 1; sig < NSIG; sig++) {
    struct sigaction action;
    if (sigaction(sig, NULL, &action) == 0 && action.sa_handler != SIG_DFL) sigaddset(&not_default, sig);
  }
  sigaddset(&not_default, SIGPIPE);
  signal(SIGPIPE, SIG_IGN);
  dev_null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  sigset_t child;
  sigemptyset(&child);
  sigaddset(&child, SIGCHLD);
  sigprocmask(SIG_BLOCK, &child, NULL);
  int children = signalfd(-1, &child, SFD_NONBLOCK | SFD_CLOEXEC);
  if (children < 0) return 1;
  fcntl(0, F_SETFD, FD_CLOEXEC);
  fcntl(1, F_SETFD, FD_CLOEXEC);
  char *in = NULL;
  size_t in_length = 0, in_capacity = 0;
  struct pollfd *fds = NULL;
  size_t fds_capacity = 0;
  for (;;) {
    if (count + 2 > fds_capacity) {
      fds_capacity = (count + 2) * 2;
      fds = realloc(fds, fds_capacity * sizeof *fds);
      if (fds == NULL) abort();
    }
    fds[0] = (struct pollfd){0, POLLIN, 0};
    fds[1] = (struct pollfd){children, POLLIN, 0};
    size_t watched = count;
    int64_t wake = -1;
    for (size_t i = 0; i < count; i++) {
      fds[2 + i] = (struct pollfd){builders[i].fd, POLLIN, 0};
      if (builders[i].reaped && (wake < 0 || builders[i].deadline < wake)) wake = builders[i].deadline;
    }
    int timeout = -1;
    if (wake >= 0) {
      int64_t left = wake - now_ms();
      timeout = left < 0 ? 0 : (int)left;
    }
    if (poll(fds, 2 + watched, timeout) < 0 && errno != EINTR) return 1;
    /* Output first, then ends: a builder's last output comes before its close. */
    for (size_t i = watched; i-- > 0;) {
      if (fds[2 + i].revents == 0) continue;
      if (drain(i) && builders[i].reaped) closed(i);
    }
    if (fds[1].revents != 0) {
      struct signalfd_siginfo info;
      while (read(children, &info, sizeof info) > 0) {}
      int status;
      pid_t pid;
      while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (size_t i = 0; i < count; i++) {
          if (builders[i].pid != pid) continue;
          kill(-pid, SIGKILL);
          builders[i].reaped = 1;
          builders[i].status = status;
          if (builders[i].fd < 0 || drain(i)) {
            closed(i);
          } else {
            /* What it left running holds its pipe: it has ended, its outcome waits for the pipe (at most the grace period). */
            builders[i].deadline = now_ms() + grace_ms;
            message(builders[i].id, 'X', NULL, 0, NULL, 0);
          }
          break;
        }
      }
    }
    int64_t time = now_ms();
    for (size_t i = count; i-- > 0;)
      if (builders[i].reaped && builders[i].deadline <= time) closed(i);
    if (fds[0].revents != 0) {
      if (in_length + 65536 > in_capacity) {
        in_capacity = (in_length + 65536) * 2;
        in = realloc(in, in_capacity);
        if (in == NULL) abort();
      }
      ssize_t n = read(0, in + in_length, in_capacity - in_length);
      if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
        flush();
        finish();
      }
      if (n > 0) in_length += (size_t)n;
      size_t used = 0;
      while (in_length - used >= 4) {
        uint32_t length;
        memcpy(&length, in + used, 4);
        if (in_length - used - 4 < length) break;
        start(in + used + 4, length);
        used += 4 + length;
      }
      memmove(in, in + used, in_length - used);
      in_length -= used;
    }
    flush();
  }
}
`;
