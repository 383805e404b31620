package dev.edgestack.stack;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An instance that did not become ready: it exited, timed out or could not be started. The message
 * names the instance and ends with the last lines of its log.
 */
public final class StartupException extends StackException {
  private static final long serialVersionUID = 1L;
  static final int TAIL_LINES = 30;

  private final String instance;
  private final String logTail;

  StartupException(String instance, String reason, Path log) {
    this(instance, reason, log, LogTail.of(log, TAIL_LINES));
  }

  private StartupException(String instance, String reason, Path log, String logTail) {
    super(
        instance
            + " "
            + reason
            + "\n--- last "
            + TAIL_LINES
            + " lines of "
            + log
            + " ---\n"
            + (logTail.isEmpty() ? "(empty)\n" : logTail));
    this.instance = Objects.requireNonNull(instance, "instance");
    this.logTail = logTail;
  }

  /** The name of the instance that failed. */
  public String instance() {
    return instance;
  }

  /** The last lines of the instance's log, as they were when it failed. */
  public String logTail() {
    return logTail;
  }
}
