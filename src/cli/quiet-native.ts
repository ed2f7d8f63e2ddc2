/**
 * Keeps libtensorflow's own log lines off the user's stderr.
 *
 * Loading tfjs-node's libtensorflow (2.21) prints, from C++ static initialisers, an absl notice
 * ("WARNING: All log messages before absl::InitializeLog() …") and the oneDNN notice ("I0000 …
 * port.cc:153] oneDNN custom operations are on …"). They are written to file descriptor 2 before
 * TensorFlow reads TF_CPP_MIN_LOG_LEVEL (measured: levels 2 and 3 and GLOG_minloglevel leave both;
 * only TF_ENABLE_ONEDNN_OPTS=0 removes the second, and that turns off the oneDNN kernels that make
 * training ~20 % faster here). Node cannot redirect its own fd 2, so a command that loads
 * libtensorflow runs in a child process: the child's fd 2 is a pipe that the parent reads and
 * filters line by line, while the child's JavaScript writes (`process.stderr`: progress bars,
 * errors) go straight to the parent's stderr, passed to it as fd 3 — a terminal stays a terminal.
 */
import { spawn } from 'node:child_process';
import { fstatSync, writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { isatty, WriteStream } from 'node:tty';

/** Set in the child: the fd of the parent's stderr. */
export const STDERR_FD_ENV = 'GALSPIN_STDERR_FD';

const ABSL_PRELUDE = 'WARNING: All log messages before absl::InitializeLog() is called are written to STDERR';
// absl / glog prefix: severity, MMDD, time (seconds unbounded before absl is initialised: 00:00:1796…),
// thread id, file:line] — info and warning only; errors
// and fatal lines (E…, F…) are kept because they explain a crash.
const ABSL_INFO_OR_WARNING = /^[IW]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ [\w.+-]+:\d+\] /;
// The second line of cpu_feature_guard's notice (its first line is an absl info line).
const CPU_FEATURE_HINT =
  /^To enable the following instructions: .* rebuild TensorFlow with the appropriate compiler flags\.$/;

/** Whether `line` (no newline) is one of libtensorflow's informational log lines. */
export function isNativeLogLine(line: string): boolean {
  return line === ABSL_PRELUDE || ABSL_INFO_OR_WARNING.test(line) || CPU_FEATURE_HINT.test(line);
}

/**
 * A line filter over chunks of text: complete lines that are not native log lines pass, the tail
 * of an unfinished line waits for its end (or for {@link flush}).
 */
export function nativeLogFilter(write: (s: string) => void): { push(chunk: string): void; flush(): void } {
  let pending = '';
  return {
    push(chunk) {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      const kept = lines.filter((l) => !isNativeLogLine(l));
      if (kept.length > 0) write(`${kept.join('\n')}\n`);
    },
    flush() {
      if (pending && !isNativeLogLine(pending)) write(pending);
      pending = '';
    },
  };
}

/**
 * Runs this same galspin command line in a child whose native stderr is filtered (see the file
 * comment) and resolves with its exit code; a child killed by a signal kills this process with it.
 */
export function runWithQuietNative(argv: readonly string[]): Promise<number> {
  const [node, bin, ...args] = argv;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(node, [...process.execArgv, bin, ...args], {
      stdio: ['inherit', 'inherit', 'pipe', 2],
      env: {
        ...process.env,
        [STDERR_FD_ENV]: '3',
        // Silences what TensorFlow logs after it has read its settings (cpu_feature_guard, …).
        TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2',
      },
    });
    const filter = nativeLogFilter((s) => process.stderr.write(s));
    child.stderr?.setEncoding('utf8').on('data', (s: string) => filter.push(s));
    // Ctrl-C reaches the child through the terminal's process group; other signals are passed on.
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const s of signals) process.on(s, forward);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      filter.flush();
      for (const s of signals) process.off(s, forward);
      if (signal) process.kill(process.pid, signal);
      resolvePromise(code ?? 1);
    });
  });
}

/**
 * In the child: ends this process the moment its parent is gone. A parent killed with SIGKILL (the
 * OOM killer, a scheduler, a kill probe) cannot pass the signal on, and an orphaned child would go
 * on writing to a home that a new run is already resuming; so the child follows it, as abruptly.
 */
export function dieWithParent(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
  }, 200).unref();
}

/**
 * In the child: makes `process.stderr` the parent's stderr (fd {@link STDERR_FD_ENV}), synchronous
 * like Node's own, so JavaScript output skips the filter and a terminal keeps its width and colours.
 * Returns whether it did.
 */
export function adoptParentStderr(): boolean {
  const fd = Number(process.env[STDERR_FD_ENV]);
  if (!Number.isInteger(fd) || fd < 3) return false;
  delete process.env[STDERR_FD_ENV]; // not for grandchildren
  let stream: NodeJS.WriteStream;
  try {
    if (isatty(fd)) stream = new WriteStream(fd) as NodeJS.WriteStream;
    else if (fstatSync(fd).isFIFO() || fstatSync(fd).isSocket()) {
      const socket = new Socket({ fd, readable: false, writable: true });
      (socket as unknown as { _handle?: { setBlocking?(b: boolean): void } })._handle?.setBlocking?.(true);
      stream = socket as unknown as NodeJS.WriteStream;
    } else {
      stream = new Writable({
        write(chunk, _enc, done) {
          writeSync(fd, chunk);
          done();
        },
      }) as unknown as NodeJS.WriteStream;
    }
  } catch {
    return false;
  }
  Object.defineProperty(process, 'stderr', { configurable: true, enumerable: true, get: () => stream });
  return true;
}
