package dev.edgestack.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The balancing core stays free of Vert.x; only dev.edgestack.balancer.vertx adapts it. */
class CorePurityTest {
  @Test
  void theCorePackageDoesNotImportVertx() throws IOException {
    Path core = Path.of("src/main/java/dev/edgestack/balancer");
    List<Path> sources;
    try (Stream<Path> files = Files.list(core)) {
      sources = files.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(sources).isNotEmpty();
    for (Path source : sources) {
      assertThat(Files.readString(source)).as(source.toString()).doesNotContain("io.vertx");
    }
  }
}
