package dev.edgestack.stack;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code up}: starts a topology; with {@code --detach} returns once all are ready, otherwise stays
 * until Ctrl-C (or SIGTERM), which stops every instance through a shutdown hook.
 */
final class UpCommand {
  private final CommandLine line;
  private final PrintStream out;
  private final PrintStream err;
  private final Path home;
  private final StackControl control;
  private final AtomicBoolean signalled = new AtomicBoolean();

  UpCommand(CommandLine line, PrintStream out, PrintStream err, Path home, StackControl control) {
    this.line = line;
    this.out = out;
    this.err = err;
    this.home = home;
    // In the foreground the stack lives only as long as the launcher, even one ended by SIGKILL.
    this.control = line.flag("--detach") ? control : control.boundToThisProcess();
  }

  int run() {
    Topology topology =
        Topology.load(Topology.file(home, line.value("--topology").orElse("hybrid")), home);
    PortAssignment ports =
        line.flag("--ephemeral-ports") ? PortAssignment.ephemeral() : PortAssignment.fixed();
    StackPlan plan = StackPlan.of(topology, home, control.runDir(), ports);
    boolean detach = line.flag("--detach");
    Thread hook = new Thread(this::stopOnSignal, "edge-stack-shutdown");
    if (!detach) {
      // Registered before start-up, so that Ctrl-C during start-up stops what already runs.
      Runtime.getRuntime().addShutdownHook(hook);
    }
    long started = System.nanoTime();
    StackState state;
    try {
      state = control.up(plan);
    } catch (RuntimeException e) {
      removeHook(hook, detach);
      throw e;
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    out.print(StatusView.table(control.status()));
    Instance entry = state.plan().instance(plan.entry()).orElseThrow();
    out.printf(
        Locale.ROOT,
        "%s: %d instances ready in %.1f s; entry http://127.0.0.1:%d%n",
        topology.name(),
        plan.instances().size(),
        seconds,
        entry.httpPort());
    if (detach) {
      out.println("stop them with: bin/edge-stack down");
      return 0;
    }
    err.println("edge-stack: running in the foreground; Ctrl-C stops every instance");
    awaitStateRemoved(control.stateFile());
    removeHook(hook, false);
    if (!signalled.get()) {
      out.println("edge-stack: the stack was stopped by another command");
    }
    return 0;
  }

  private void stopOnSignal() {
    signalled.set(true);
    err.println("edge-stack: stopping every instance");
    try {
      control.down();
      err.println("edge-stack: stopped");
    } catch (RuntimeException e) {
      err.println("edge-stack: stopping failed: " + e.getMessage());
    }
  }

  private static void removeHook(Thread hook, boolean detach) {
    if (detach) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running already and will finish the job.
    }
  }

  /** Returns when the state file is gone: {@code down} from another terminal ended the stack. */
  private static void awaitStateRemoved(Path stateFile) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "edge-stack-watch");
              thread.setDaemon(true);
              return thread;
            });
    CompletableFuture<Void> removed = new CompletableFuture<>();
    timer.scheduleWithFixedDelay(
        () -> {
          if (!Files.exists(stateFile)) {
            removed.complete(null);
          }
        },
        1,
        1,
        TimeUnit.SECONDS);
    try {
      removed.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("watching " + stateFile + " failed", e);
    } finally {
      timer.shutdownNow();
    }
  }
}
