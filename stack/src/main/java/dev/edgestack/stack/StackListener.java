package dev.edgestack.stack;

import java.time.Duration;

/**
 * Hears what the launcher does to instances, to print progress (the command line) or log it (the
 * test kit). Calls may come from several threads.
 */
public interface StackListener {

  /** A listener that ignores everything. */
  static StackListener silent() {
    return new StackListener() {};
  }

  /** All checks passed; the instances of {@code plan} start now. */
  default void startingStack(StackPlan plan) {}

  default void starting(Instance instance) {}

  default void ready(Instance instance, long pid, Duration startUp) {}

  default void stopping(Instance instance, long pid) {}

  default void killing(Instance instance, long pid) {}
}
