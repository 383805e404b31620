package dev.edgestack.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private final ConfigLoader loader =
      ConfigLoader.withVariables(Map.of("PORT", "8101", "MEMBERS", "a:1, b:2", "EMPTY", ""));

  private ConfigNode parse(String yaml) {
    return loader.parse("app.yaml", yaml);
  }

  private enum Mode {
    FAIL_OPEN,
    FAIL_CLOSED
  }

  @Test
  void readsTypedValuesAndResolvesPlaceholders() {
    ConfigNode root =
        parse(
            """
            server:
              port: ${PORT}
              host: ${HOST:-127.0.0.1}
              name: gw-${PORT}
            cluster:
              members: ${MEMBERS}
              fallbackWhenEmpty: ${EMPTY:-x}
            timeout: 250ms
            mode: fail-closed
            list: [a, b]
            """);
    ConfigNode server = root.object("server");
    assertThat(server.integer("port", 1, 65535)).isEqualTo(8101);
    assertThat(server.string("host")).isEqualTo("127.0.0.1");
    assertThat(server.string("name")).isEqualTo("gw-8101");
    assertThat(root.object("cluster").strings("members")).containsExactly("a:1", "b:2");
    assertThat(root.object("cluster").string("fallbackWhenEmpty")).isEqualTo("x");
    assertThat(root.duration("timeout", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
    assertThat(root.enumValue("mode", Mode.class, Mode.FAIL_OPEN)).isEqualTo(Mode.FAIL_CLOSED);
    assertThat(root.strings("list")).containsExactly("a", "b");
    assertThat(root.strings("absent")).isEmpty();
  }

  @Test
  void missingFileNamesTheFile(@TempDir Path dir) {
    assertThatThrownBy(() -> loader.load(dir.resolve("nope.yaml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nope.yaml: file not found");
  }

  @Test
  void malformedYamlNamesFileAndLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "server:\n  port: [1,\n");
    assertThatThrownBy(() -> loader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bad.yaml: not valid YAML at line");
  }

  @Test
  void topLevelMustBeAMapping() {
    assertThatThrownBy(() -> parse("- a\n- b\n"))
        .hasMessageContaining("app.yaml: top level is ARRAY (expected: a mapping)");
  }

  @Test
  void unsetVariableNamesTheKeyAndTheVariable() {
    assertThatThrownBy(() -> parse("cluster:\n  members: ${NOT_SET}\n"))
        .hasMessage(
            "app.yaml: cluster.members: environment variable NOT_SET is not set"
                + " (expected: set it, or write ${NOT_SET:-default})");
  }

  @Test
  void wrongTypesNameFileKeyAndExpectation() {
    ConfigNode root =
        parse(
            """
            server: {port: 70000, host: ""}
            timeout: -1s
            mode: sometimes
            routes:
              - {id: a}
              - 42
            flag: maybe
            """);
    assertThatThrownBy(() -> root.object("server").integer("port", 1, 65535))
        .hasMessage("app.yaml: server.port: \"70000\" (expected: an integer from 1 to 65535)");
    assertThatThrownBy(() -> root.object("server").string("host"))
        .hasMessage("app.yaml: server.host: \"\" (expected: a non-empty string)");
    assertThatThrownBy(() -> root.duration("timeout", Duration.ofMillis(1)))
        .hasMessageStartingWith("app.yaml: timeout: \"-1s\" (expected: a duration from 1ms to 7d");
    assertThatThrownBy(() -> root.enumValue("mode", Mode.class, null))
        .hasMessage("app.yaml: mode: \"sometimes\" (expected: one of fail-open, fail-closed)");
    assertThatThrownBy(() -> root.objects("routes"))
        .hasMessage("app.yaml: routes[1]: \"42\" (expected: a mapping)");
    assertThatThrownBy(() -> root.bool("flag", false))
        .hasMessage("app.yaml: flag: \"maybe\" (expected: true or false)");
    assertThatThrownBy(() -> root.object("absent"))
        .hasMessage("app.yaml: absent: missing (expected: a mapping)");
  }

  @Test
  void unknownKeysAreRejectedWithTheKnownOnes() {
    ConfigNode root = parse("server: {port: 1, hots: x}\n");
    assertThatThrownBy(() -> root.object("server").requireOnly("host", "port"))
        .hasMessage("app.yaml: server.hots: unknown key (expected one of: host, port)");
  }

  @Test
  void nestedListPathsAppearInMessages() {
    ConfigNode root = parse("pools:\n  - name: a\n  - name: b\n    weight: x\n");
    List<ConfigNode> pools = root.objects("pools");
    assertThatThrownBy(() -> pools.get(1).integer("weight", 1, 100))
        .hasMessage("app.yaml: pools[1].weight: \"x\" (expected: an integer from 1 to 100)");
  }

  @Test
  void hugeDurationsAreRejectedNotOverflowed() {
    ConfigNode root = parse("a: 99999999999999999999s\nb: 30d\n");
    assertThatThrownBy(() -> root.duration("a", Duration.ZERO))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("app.yaml: a: \"99999999999999999999s\" (expected: a duration");
    assertThatThrownBy(() -> root.duration("b", Duration.ZERO))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("to 7d");
  }

  @Test
  void aKeyWrittenTwiceIsAnError() {
    assertThatThrownBy(() -> parse("instance: {name: a}\ninstance: {name: b}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("app.yaml: not valid YAML")
        .hasMessageContaining("Duplicate field 'instance'");
  }

  @Test
  void anEmptyVariableTakesTheDefaultAndAnEmptyDefaultMeansNone() {
    ConfigNode root = parse("list: ${EMPTY:-}\nother: ${EMPTY:-a,b}\n");
    assertThat(root.strings("list")).isEmpty();
    assertThat(root.strings("other")).containsExactly("a", "b");
  }
}
