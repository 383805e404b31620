package dev.edgestack.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
      assertThat(files.map(file -> file.getFileName().toString())).containsExactly("state.json");
    }
    store.delete();
    assertThat(store.read()).isEmpty();
  }

  @Test
  void aDamagedStateFileIsNamedInTheError() throws IOException {
    Files.writeString(folder.resolve("state.json"), "{\"topology\": 3}");

    assertThatThrownBy(() -> new StateStore(folder).read())
        .isInstanceOf(StackException.class)
        .hasMessageContaining(folder.resolve("state.json") + ": not a state file of edge-stack");
  }
}
