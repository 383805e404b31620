package dev.edgestack.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An instance outlives neither its launcher nor a SIGKILLed test JVM that started it. */
class ParentWatchTest {
  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();
  private Vertx vertx;

  @AfterEach
  void cleanUp() throws Exception {
    started.forEach(Process::destroyForcibly);
    for (Process process : started) {
      process.waitFor(10, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private Process spawn(ProcessBuilder builder) throws IOException {
    Process process = builder.start();
    started.add(process);
    return process;
  }

  private Process shortLivedParent() throws IOException {
    return spawn(new ProcessBuilder("sleep", "120").redirectErrorStream(true));
  }

  @Test
  void readsThePidOnlyWhenSetAndRejectsGarbage() {
    assertThat(ParentWatch.parentPid(Map.of())).isEmpty();
    assertThat(ParentWatch.parentPid(Map.of("EDGE_PARENT_PID", " "))).isEmpty();
    assertThat(ParentWatch.parentPid(Map.of("EDGE_PARENT_PID", "4711"))).contains(4711L);
    assertThatThrownBy(() -> ParentWatch.parentPid(Map.of("EDGE_PARENT_PID", "abc")))
        .hasMessageContaining("EDGE_PARENT_PID")
        .hasMessageContaining("'abc'")
        .hasMessageContaining("positive number");
    assertThatThrownBy(() -> ParentWatch.parentPid(Map.of("EDGE_PARENT_PID", "0")))
        .hasMessageContaining("positive number");
  }

  @Test
  void firesOnceWhenTheParentExitsAndNotBefore() throws Exception {
    vertx = Vertx.vertx();
    Process parent = shortLivedParent();
    AtomicInteger fired = new AtomicInteger();

    ParentWatch.watch(vertx, parent.pid(), Duration.ofMillis(50), fired::incrementAndGet);

    await()
        .during(Duration.ofMillis(400))
        .atMost(Duration.ofSeconds(2))
        .until(() -> fired.get() == 0);
    parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> fired.get() == 1);
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> fired.get() == 1);
  }

  @Test
  void firesForAPidThatIsNotRunning() throws Exception {
    vertx = Vertx.vertx();
    Process parent = shortLivedParent();
    long pid = parent.pid();
    parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    AtomicInteger fired = new AtomicInteger();

    ParentWatch.watch(vertx, pid, Duration.ofMillis(50), fired::incrementAndGet);

    await().atMost(Duration.ofSeconds(5)).until(() -> fired.get() == 1);
  }

  @Test
  void aRealInstanceExitsGracefullyWhenItsParentIsKilled() throws Exception {
    Process parent = shortLivedParent();
    Path config = dir.resolve("child.yaml");
    Files.writeString(
        config,
        """
        instance: {name: child-1}
        server: {host: 127.0.0.1, port: 0}
        admin: {host: 127.0.0.1, port: 0}
        shutdown: {drainDelay: 100ms, timeout: 2s}
        """);
    Path log = dir.resolve("child.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                ParentWatchChild.class.getName(),
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(new File("/dev/null"));
    builder.environment().put(ParentWatch.VARIABLE, Long.toString(parent.pid()));
    Process child = spawn(builder);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.readString(log).contains("child-1 started"));
    assertThat(child.isAlive()).isTrue();

    parent.destroyForcibly();

    assertThat(child.waitFor(20, TimeUnit.SECONDS)).as("child exited").isTrue();
    assertThat(child.exitValue()).isZero();
    assertThat(Files.readString(log))
        .contains("the launcher (pid " + parent.pid() + ") is gone")
        .contains("child-1 draining")
        .contains("child-1 stopped");
  }
}
