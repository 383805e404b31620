package dev.edgestack.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Starts a plan phase by phase: every instance of a phase starts at once and all must be ready
 * before the next phase; replica 1 of a staggered group is ready before its other replicas start.
 */
final class StackStarter {
  private final ReadinessProbe probe;
  private final Duration readyTimeout;
  private final StackListener listener;
  private final Consumer<StackState> onChange;
  private final OptionalLong parentPid;
  private final List<CompletableFuture<Void>> waiting = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private StackState state;
  private boolean cancelled;

  StackStarter(
      StackState initial,
      ReadinessProbe probe,
      Duration readyTimeout,
      StackListener listener,
      Consumer<StackState> onChange,
      OptionalLong parentPid) {
    this.state = initial;
    this.probe = probe;
    this.readyTimeout = readyTimeout;
    this.listener = listener;
    this.onChange = onChange;
    this.parentPid = parentPid;
  }

  /** Starts every instance; returns the state with every process, or throws the first failure. */
  StackState start() {
    Map<Integer, List<Instance>> phases = new TreeMap<>();
    for (Instance instance : state().instances()) {
      phases.computeIfAbsent(instance.phase(), phase -> new ArrayList<>()).add(instance);
    }
    for (List<Instance> phase : phases.values()) {
      Map<String, List<Instance>> groups = new LinkedHashMap<>();
      phase.forEach(
          instance ->
              groups.computeIfAbsent(instance.group(), group -> new ArrayList<>()).add(instance));
      await(allOrFirstFailure(groups.values().stream().map(this::startGroup).toList()));
    }
    return state();
  }

  StackState state() {
    synchronized (lock) {
      return state;
    }
  }

  /** Whether {@link #cancel()} was called. */
  boolean isCancelled() {
    synchronized (lock) {
      return cancelled;
    }
  }

  /** Starts nothing more and fails every wait in progress; safe from any thread. */
  void cancel() {
    synchronized (lock) {
      cancelled = true;
    }
    waiting.forEach(wait -> wait.completeExceptionally(new StackException("start-up cancelled")));
  }

  private CompletableFuture<Void> startGroup(List<Instance> group) {
    if (group.size() > 1 && group.get(0).staggered()) {
      List<Instance> rest = group.subList(1, group.size());
      return launch(group.get(0))
          .thenCompose(first -> allOrFirstFailure(rest.stream().map(this::launch).toList()));
    }
    return allOrFirstFailure(group.stream().map(this::launch).toList());
  }

  private CompletableFuture<Void> launch(Instance instance) {
    Process process;
    try {
      process = spawn(instance);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    long started = System.nanoTime();
    CompletableFuture<Void> ready = probe.awaitReady(instance, process, readyTimeout);
    waiting.add(ready);
    return ready.thenRun(
        () ->
            listener.ready(instance, process.pid(), Duration.ofNanos(System.nanoTime() - started)));
  }

  private Process spawn(Instance instance) {
    // Under the lock, so that after cancel() returns no process starts unrecorded.
    synchronized (lock) {
      if (cancelled) {
        throw new StackException("start-up cancelled before " + instance.name() + " started");
      }
      listener.starting(instance);
      Process process = ProcessControl.spawn(instance, state.plan().home(), parentPid);
      state = state.with(instance.name(), ProcessId.of(process.toHandle()));
      onChange.accept(state);
      return process;
    }
  }

  private void await(CompletableFuture<Void> phase) {
    try {
      phase.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("start-up interrupted");
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  /** Completes when all complete, or fails as soon as one fails. */
  private static CompletableFuture<Void> allOrFirstFailure(List<CompletableFuture<Void>> all) {
    CompletableFuture<Void> result = CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    all.forEach(
        future ->
            future.whenComplete(
                (ignored, failure) -> {
                  if (failure != null) {
                    result.completeExceptionally(failure);
                  }
                }));
    return result;
  }

  private static RuntimeException unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof ExecutionException || cause instanceof CompletionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof RuntimeException runtime
        ? runtime
        : new StackException("start-up failed: " + cause, cause);
  }
}
