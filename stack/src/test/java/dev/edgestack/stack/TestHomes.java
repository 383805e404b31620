package dev.edgestack.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Temporary home folders holding the project's real topologies and placeholder config files. */
final class TestHomes {
  private static final List<String> ROLE_CONFIGS =
      List.of("config/edge-lb.yaml", "config/internal-lb.yaml", "config/api-gateway.yaml");

  private TestHomes() {}

  /** The project folder: the nearest folder above the working directory with config/topologies. */
  static Path project() {
    for (Path folder = Path.of("").toAbsolutePath(); folder != null; folder = folder.getParent()) {
      if (Files.isDirectory(folder.resolve("config/topologies"))) {
        return folder;
      }
    }
    throw new IllegalStateException("no config/topologies above " + Path.of("").toAbsolutePath());
  }

  /**
   * A copy of the project's topologies and service configs under {@code folder}, with empty files
   * for the role configs that other modules own.
   */
  static Path copyOfProject(Path folder) throws IOException {
    Path project = project();
    for (String sub : List.of("config/topologies", "config/services")) {
      Files.createDirectories(folder.resolve(sub));
      try (var files = Files.list(project.resolve(sub))) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          Files.copy(file, folder.resolve(sub).resolve(file.getFileName()));
        }
      }
    }
    for (String config : ROLE_CONFIGS) {
      Files.writeString(folder.resolve(config), "# placeholder for tests\n");
    }
    return folder;
  }
}
