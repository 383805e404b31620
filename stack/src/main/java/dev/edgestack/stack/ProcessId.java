package dev.edgestack.stack;

import java.time.Instant;
import java.util.Optional;

/**
 * A process the launcher started: its pid and its start time, so that a pid the system has since
 * given to another process is never mistaken for ours.
 *
 * @param startMillis the process's start time in epoch milliseconds, 0 when unknown
 */
public record ProcessId(long pid, long startMillis) {
  // /proc start times are in clock ticks; two readings of one process may differ by a tick.
  private static final long START_TOLERANCE_MILLIS = 1000;

  public ProcessId {
    if (pid <= 0) {
      throw new IllegalArgumentException("pid: " + pid + " (expected: > 0)");
    }
  }

  static ProcessId of(ProcessHandle process) {
    return new ProcessId(
        process.pid(), process.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
  }

  /** The process while it runs and is still the one we started; empty once it has exited. */
  public Optional<ProcessHandle> live() {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(this::sameStart);
  }

  public boolean isAlive() {
    return live().isPresent();
  }

  private boolean sameStart(ProcessHandle process) {
    if (startMillis == 0) {
      return true;
    }
    return process
        .info()
        .startInstant()
        .map(start -> Math.abs(start.toEpochMilli() - startMillis) <= START_TOLERANCE_MILLIS)
        .orElse(true);
  }
}
