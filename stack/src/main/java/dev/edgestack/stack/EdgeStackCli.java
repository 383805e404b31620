package dev.edgestack.stack;

import java.io.PrintStream;
import java.util.Map;

/**
 * The {@code bin/edge-stack} command line: {@code up}, {@code status}, {@code down}, {@code
 * stop|kill|start NAME} and {@code token}. Exit status 0 on success, 1 when the command failed (one
 * message, no stack trace), 2 for an unknown command or option.
 */
public final class EdgeStackCli {
  private EdgeStackCli() {}

  public static void main(String[] args) {
    // checkstyle-allow: console
    int status = run(args, System.out, System.err, System.getenv());
    System.out.flush();
    // checkstyle-end: console
    System.exit(status);
  }

  /** Runs one command line, printing to {@code out} and {@code err}; returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
    try {
      CommandLine line = CommandLine.parse(args);
      return new Commands(line, out, err, environment).run();
    } catch (UsageException e) {
      err.println("edge-stack: " + e.getMessage());
      err.print(CommandLine.USAGE);
      return 2;
    } catch (RuntimeException e) {
      err.println("edge-stack: " + message(e));
      return 1;
    }
  }

  private static String message(Throwable failure) {
    String message = failure.getMessage();
    return message == null || message.isBlank() ? failure.toString() : message;
  }
}
