package dev.edgestack.stack;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/** Prints the launcher's progress, one line per step, to the error stream. */
final class ConsoleListener implements StackListener {
  private final PrintStream err;

  ConsoleListener(PrintStream err) {
    this.err = err;
  }

  @Override
  public synchronized void startingStack(StackPlan plan) {
    err.println(
        "edge-stack: starting "
            + plan.topology()
            + " ("
            + plan.instances().size()
            + " instances) from "
            + plan.home()
            + "; logs in "
            + plan.runDir().resolve("logs"));
  }

  @Override
  public synchronized void starting(Instance instance) {
    err.printf(
        "  starting  %-16s phase %d, %s%n",
        instance.name(), instance.phase(), instance.role().spelling());
  }

  @Override
  public synchronized void ready(Instance instance, long pid, Duration startUp) {
    err.printf(
        Locale.ROOT,
        "  ready     %-16s pid %d, in %.1f s%n",
        instance.name(),
        pid,
        startUp.toMillis() / 1000.0);
  }

  @Override
  public synchronized void stopping(Instance instance, long pid) {
    err.printf("  stopping  %-16s pid %d (SIGTERM)%n", instance.name(), pid);
  }

  @Override
  public synchronized void killing(Instance instance, long pid) {
    err.printf("  killing   %-16s pid %d (SIGKILL)%n", instance.name(), pid);
  }
}
