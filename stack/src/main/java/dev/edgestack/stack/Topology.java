package dev.edgestack.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated topology file from {@code config/topologies}: which instances to run, in which
 * phases, on which ports, and which of them clients call first.
 *
 * <p>{@code Topology.load(home.resolve("config/topologies/hybrid.yaml"), home)} reads and checks a
 * file; every problem is a {@link dev.edgestack.runtime.config.ConfigException} naming the file,
 * the key and what was expected.
 *
 * @param entry the name of the template whose first replica clients call
 */
public record Topology(String name, String description, String entry, List<Template> templates) {

  public Topology {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(entry, "entry");
    templates = List.copyOf(templates);
  }

  /** Reads and validates {@code file}; config paths in it are relative to {@code home}. */
  public static Topology load(Path file, Path home) {
    return TopologyReader.read(file, home);
  }

  /**
   * The topology file {@code nameOrFile} stands for: a name such as {@code hybrid} means {@code
   * <home>/config/topologies/hybrid.yaml}; a path (with a slash or a .yaml/.yml ending) is taken as
   * it is, or relative to {@code home} when it does not exist relative to the current folder.
   */
  public static Path file(Path home, String nameOrFile) {
    if (nameOrFile.contains("/") || nameOrFile.endsWith(".yaml") || nameOrFile.endsWith(".yml")) {
      Path file = Path.of(nameOrFile);
      if (!Files.exists(file) && !file.isAbsolute()) {
        file = home.resolve(nameOrFile);
      }
      if (!Files.isRegularFile(file)) {
        throw new StackException(
            "topology file " + nameOrFile + " not found (expected: a topology YAML file)");
      }
      return file;
    }
    Path folder = home.resolve("config").resolve("topologies");
    Path file = folder.resolve(nameOrFile + ".yaml");
    if (!Files.isRegularFile(file)) {
      throw new StackException(
          "no topology "
              + nameOrFile
              + " in "
              + folder
              + " (expected one of: "
              + String.join(", ", names(folder))
              + ")");
    }
    return file;
  }

  private static List<String> names(Path folder) {
    try (var files = Files.list(folder)) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".yaml"))
          .map(name -> name.substring(0, name.length() - ".yaml".length()))
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The template called {@code name}, if any. */
  public Optional<Template> template(String name) {
    return templates.stream().filter(template -> template.name().equals(name)).findFirst();
  }
}
