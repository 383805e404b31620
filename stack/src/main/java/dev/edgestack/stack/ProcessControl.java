package dev.edgestack.stack;

import dev.edgestack.runtime.process.ParentWatch;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/** Starts instance processes and waits for processes to exit. */
final class ProcessControl {
  private static final File NO_INPUT = new File("/dev/null");

  /**
   * {@code setsid} puts each child in its own session: it outlives a {@code --detach} launcher and
   * a Ctrl-C reaches only the launcher, which then stops the children in order.
   */
  private static final Optional<String> SETSID =
      Stream.concat(
              Stream.of("/usr/bin/setsid", "/bin/setsid"),
              Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                  .filter(folder -> !folder.isEmpty())
                  .map(folder -> Path.of(folder, "setsid").toString()))
          .filter(candidate -> Files.isExecutable(Path.of(candidate)))
          .findFirst();

  private ProcessControl() {}

  /**
   * Starts {@code instance} in {@code home}, appending its output to its log file; with a {@code
   * parentPid} the instance exits by itself once that process is gone.
   */
  static Process spawn(Instance instance, Path home, OptionalLong parentPid) {
    try {
      Files.createDirectories(instance.log().getParent());
      Files.writeString(
          instance.log(),
          "--- edge-stack: starting " + instance.name() + " at " + Instant.now() + " ---\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      List<String> command = new ArrayList<>();
      SETSID.ifPresent(command::add);
      command.addAll(instance.command());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(home.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(instance.log().toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(NO_INPUT));
      builder.environment().putAll(instance.env());
      // Not part of the recorded env: a later restart binds the instance to its own caller.
      builder.environment().remove(ParentWatch.VARIABLE);
      parentPid.ifPresent(
          pid -> builder.environment().put(ParentWatch.VARIABLE, Long.toString(pid)));
      return builder.start();
    } catch (IOException e) {
      throw new StartupException(
          instance.name(), "could not be started: " + e.getMessage(), instance.log());
    }
  }

  /** Waits until every process has exited; false when {@code timeout} passed first. */
  static boolean awaitExit(List<ProcessHandle> processes, Duration timeout) {
    CompletableFuture<?>[] exits =
        processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture<?>[]::new);
    try {
      CompletableFuture.allOf(exits).get(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return processes.stream().noneMatch(ProcessHandle::isAlive);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
