package dev.edgestack.stack;

/** A stack operation that cannot be done; the message says what and, where it helps, what next. */
public class StackException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StackException(String message) {
    super(message);
  }

  public StackException(String message, Throwable cause) {
    super(message, cause);
  }
}
