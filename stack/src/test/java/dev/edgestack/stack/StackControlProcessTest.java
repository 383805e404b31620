package dev.edgestack.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts tiny real Java processes through the launcher's process management. */
class StackControlProcessTest {
  @TempDir static Path classes;
  @TempDir Path runDir;

  private final Queue events = new Queue();
  private StackControl control;

  @BeforeAll
  static void compileTiny() throws IOException {
    TinyServer.compile(classes);
  }

  @AfterEach
  void killWhatWasStarted() {
    // Whatever happened in the test, no process outlives it.
    Optional<StackState> state = control == null ? Optional.empty() : control.state();
    if (control != null) {
      control.down();
    }
    List<Long> pids = new ArrayList<>(events.pids);
    state.ifPresent(s -> s.processes().values().forEach(process -> pids.add(process.pid())));
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  private Instance tiny(
      String name,
      String group,
      int replica,
      boolean staggered,
      int phase,
      String mode,
      Map<String, Integer> ports) {
    List<String> command =
        List.of(
            JavaCommand.javaExecutable(),
            "-Xmx32m",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            classes.toString(),
            "Tiny",
            mode);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("EDGE_INSTANCE", name);
    env.put("EDGE_ADMIN_PORT", Integer.toString(ports.get("admin")));
    return new Instance(
        name,
        Role.ISSUER,
        Optional.empty(),
        group,
        replica,
        staggered,
        phase,
        ports,
        command,
        env,
        runDir.resolve("logs").resolve(name + ".log"));
  }

  /** A plan of instances given as name, group, replica, staggered, phase, mode. */
  private StackPlan plan(Object[]... specs) {
    Map<String, Map<String, Integer>> declared = new LinkedHashMap<>();
    for (Object[] spec : specs) {
      declared.put((String) spec[0], Map.of("http", 1, "admin", 2));
    }
    Map<String, Map<String, Integer>> ports = PortAssignment.ephemeral().assign(declared);
    List<Instance> instances = new ArrayList<>();
    for (Object[] spec : specs) {
      instances.add(
          tiny(
              (String) spec[0],
              (String) spec[1],
              (Integer) spec[2],
              (Boolean) spec[3],
              (Integer) spec[4],
              (String) spec[5],
              ports.get((String) spec[0])));
    }
    return new StackPlan("tiny", classes, runDir, instances.get(0).name(), instances);
  }

  private StackControl control(Duration readyTimeout) {
    control = StackControl.of(runDir).listening(events).readyTimeout(readyTimeout);
    return control;
  }

  @Test
  void startsUntilReadyThenStopsWithSigterm() {
    StackControl control = control(Duration.ofSeconds(20));
    StackPlan plan = plan(new Object[] {"tiny", "tiny", 1, false, 1, "serve"});

    StackState state = control.up(plan);

    long pid = state.process("tiny").orElseThrow().pid();
    ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
    assertThat(process.isAlive()).isTrue();
    assertThat(control.status())
        .singleElement()
        .satisfies(status -> assertThat(status.ready()).isTrue())
        .satisfies(status -> assertThat(status.alive()).isTrue());
    assertThat(control.stateFile()).exists();
    assertThat(control.state().orElseThrow().process("tiny")).contains(state.process("tiny").get());
    assertThat(runDir.resolve("logs/tiny.log")).content().contains("tiny tiny mode serve");
    assertThat(runDir.resolve("keys/issuer-key.pem")).exists();

    assertThat(control.stop("tiny")).isTrue();

    assertThat(process.isAlive()).isFalse();
    assertThat(control.status())
        .singleElement()
        .satisfies(
            status -> {
              assertThat(status.alive()).isFalse();
              assertThat(status.ready()).isFalse();
            });
    assertThat(control.stop("tiny")).isFalse();
  }

  @Test
  void passesItsOwnPidOnlyWhenBoundToThisProcessAndNeverRecordsIt() {
    StackControl control = control(Duration.ofSeconds(20)).boundToThisProcess();
    this.control = control;
    StackPlan plan = plan(new Object[] {"tiny", "tiny", 1, false, 1, "serve"});

    control.up(plan);
    assertThat(control.stop("tiny")).isTrue();
    control.start("tiny");

    long self = ProcessHandle.current().pid();
    assertThat(runDir.resolve("logs/tiny.log"))
        .content()
        .containsSubsequence("parent pid " + self, "parent pid " + self);
    assertThat(control.state().orElseThrow().instance("tiny").env())
        .doesNotContainKey("EDGE_PARENT_PID");
  }

  @Test
  void passesNoParentPidWhenNotBound() {
    StackControl control = control(Duration.ofSeconds(20));

    control.up(plan(new Object[] {"tiny", "tiny", 1, false, 1, "serve"}));

    assertThat(runDir.resolve("logs/tiny.log")).content().contains("parent pid null");
  }

  @Test
  void refusesASecondUpAndRestartsAnInstanceWithANewPid() {
    StackControl control = control(Duration.ofSeconds(20));
    StackPlan plan = plan(new Object[] {"tiny", "tiny", 1, false, 1, "serve"});
    long first = control.up(plan).process("tiny").orElseThrow().pid();

    assertThatThrownBy(() -> control.up(plan))
        .isInstanceOf(StackException.class)
        .hasMessageContaining("already running");

    assertThat(control.kill("tiny")).isTrue();
    ProcessId second = control.start("tiny");

    assertThat(second.pid()).isNotEqualTo(first);
    assertThat(control.state().orElseThrow().process("tiny")).contains(second);
    assertThat(control.status()).singleElement().satisfies(s -> assertThat(s.ready()).isTrue());
    assertThatThrownBy(() -> control.start("tiny")).hasMessageContaining("already running");

    assertThat(control.down()).isEmpty();
    assertThat(second.isAlive()).isFalse();
    assertThat(control.stateFile()).doesNotExist();
  }

  @Test
  void startsPhasesInOrderAndStaggeredReplicasOneAfterTheOther() {
    StackControl control = control(Duration.ofSeconds(20));
    StackPlan plan =
        plan(
            new Object[] {"a-1", "a", 1, true, 1, "serve"},
            new Object[] {"a-2", "a", 2, true, 1, "serve"},
            new Object[] {"b", "b", 1, false, 2, "serve"});

    control.up(plan);

    List<String> order = List.copyOf(events.steps);
    assertThat(order)
        .containsSubsequence(
            "starting a-1", "ready a-1", "starting a-2", "ready a-2", "starting b", "ready b");
    control.down();
    assertThat(List.copyOf(events.steps))
        .containsSubsequence("stopping b", "stopping a-1")
        .containsSubsequence("stopping b", "stopping a-2");
  }

  @Test
  void anInstanceThatExitsFailsStartUpWithItsLogTailAndStopsTheRest() {
    StackControl control = control(Duration.ofSeconds(20));
    StackPlan plan =
        plan(
            new Object[] {"good", "good", 1, false, 1, "serve"},
            new Object[] {"bad", "bad", 1, false, 1, "fail"},
            new Object[] {"later", "later", 1, false, 2, "serve"});

    assertThatThrownBy(() -> control.up(plan))
        .isInstanceOfSatisfying(
            StartupException.class,
            failure -> {
              assertThat(failure.instance()).isEqualTo("bad");
              assertThat(failure.logTail()).contains("boom: no config");
            })
        .hasMessageContaining("bad exited with status 3 before it was ready")
        .hasMessageContaining("boom: no config");

    assertThat(events.steps).doesNotContain("starting later");
    assertThat(control.stateFile()).doesNotExist();
    assertThat(events.pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isEmpty());
  }

  @Test
  void anInstanceThatNeverGetsReadyTimesOutAndIsStopped() {
    StackControl control = control(Duration.ofSeconds(2));
    StackPlan plan = plan(new Object[] {"silent", "silent", 1, false, 1, "silent"});

    assertThatThrownBy(() -> control.up(plan))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("silent was not ready within 2 s")
        .hasMessageContaining("tiny silent mode silent");

    assertThat(events.steps).contains("stopping silent");
    assertThat(control.stateFile()).doesNotExist();
  }

  /** Records the launcher's steps and every pid it reported. */
  private static final class Queue implements StackListener {
    final ConcurrentLinkedQueue<String> steps = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Long> pids = new ConcurrentLinkedQueue<>();

    @Override
    public void starting(Instance instance) {
      steps.add("starting " + instance.name());
    }

    @Override
    public void ready(Instance instance, long pid, Duration startUp) {
      steps.add("ready " + instance.name());
      pids.add(pid);
    }

    @Override
    public void stopping(Instance instance, long pid) {
      steps.add("stopping " + instance.name());
      pids.add(pid);
    }

    @Override
    public void killing(Instance instance, long pid) {
      steps.add("killing " + instance.name());
      pids.add(pid);
    }
  }
}
