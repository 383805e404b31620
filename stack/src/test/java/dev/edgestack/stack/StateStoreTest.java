package dev.edgestack.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
  @TempDir Path folder;

  @Test
  void writesAndReadsBackTheWholeState() throws IOException {
    Path home = TestHomes.copyOfProject(folder.resolve("home"));
    Path runDir = folder.resolve("run");
    StackPlan plan =
        StackPlan.of(
            Topology.load(Topology.file(home, "hybrid"), home),
            home,
            runDir,
            PortAssignment.fixed());
    StackState state =
        StackState.of(plan)
            .with("issuer", new ProcessId(4242, 1_700_000_000_000L))
            .with("gateway-2", new ProcessId(4343, 0));
    StateStore store = new StateStore(runDir);

    store.write(state);

    assertThat(store.read()).contains(state);
    String json = Files.readString(runDir.resolve("state.json"));
    assertThat(json)
        .contains("\"topology\" : \"hybrid\"")
        .contains("\"service\" : null")
        .contains("\"service\" : \"accounts\"")
        .contains("\"GATEWAY_ENDPOINTS\"")
        .contains("\"pid\" : 4242");
    try (var files = Files.list(runDir)) {
      assertThat(files.map(file -> file.getFileName().toString()))
          .containsExactlyInAnyOrder("state.json", "state.json.lock");
    }
    store.delete();
    assertThat(store.read()).isEmpty();
  }

  @Test
  void twoWritersUpdatingAtOnceLoseNoUpdate() throws Exception {
    Path home = TestHomes.copyOfProject(folder.resolve("home"));
    Path runDir = folder.resolve("run");
    StackPlan plan =
        StackPlan.of(
            Topology.load(Topology.file(home, "hybrid"), home),
            home,
            runDir,
            PortAssignment.fixed());
    new StateStore(runDir).write(StackState.of(plan));
    List<String> names = List.of("issuer", "gateway-1");
    int rounds = 200;
    ExecutorService writers = Executors.newFixedThreadPool(names.size());
    try {
      List<Future<?>> done = new ArrayList<>();
      for (String name : names) {
        // Each writer has its own store, as two launchers would.
        StateStore store = new StateStore(runDir);
        done.add(
            writers.submit(
                () -> {
                  for (int i = 1; i <= rounds; i++) {
                    int pid = i;
                    store.update(state -> state.with(name, new ProcessId(pid, 0)));
                  }
                }));
      }
      for (Future<?> writer : done) {
        writer.get(60, TimeUnit.SECONDS);
      }
    } finally {
      writers.shutdownNow();
    }

    StackState last = new StateStore(runDir).read().orElseThrow();
    assertThat(names)
        .allSatisfy(name -> assertThat(last.process(name).orElseThrow().pid()).isEqualTo(rounds));
  }

  @Test
  void aDamagedStateFileIsNamedInTheError() throws IOException {
    Files.writeString(folder.resolve("state.json"), "{\"topology\": 3}");

    assertThatThrownBy(() -> new StateStore(folder).read())
        .isInstanceOf(StackException.class)
        .hasMessageContaining(folder.resolve("state.json") + ": not a state file of edge-stack");
  }
}
