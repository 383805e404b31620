package dev.edgestack.stack;

/** A command line that names an unknown command or option, or gives an option a bad value. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
