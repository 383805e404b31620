package dev.edgestack.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile read into stages of instructions: continuation lines joined, comments and parser
 * directives dropped. Enough to check what the image builds and runs without a Docker engine.
 */
record DockerfileModel(List<Stage> stages) {
  private static final Pattern FROM =
      Pattern.compile("(?i)FROM\\s+(?:--platform=\\S+\\s+)?(\\S+)(?:\\s+AS\\s+(\\S+))?");

  /** One {@code FROM} and the instructions after it. */
  record Stage(String image, Optional<String> name, List<Instruction> instructions) {
    List<Instruction> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    Optional<Instruction> last(String keyword) {
      List<Instruction> matching = all(keyword);
      return matching.isEmpty() ? Optional.empty() : Optional.of(matching.get(matching.size() - 1));
    }
  }

  /**
   * An instruction such as {@code COPY --from=build a b}: keyword upper-cased, arguments as
   * written.
   */
  record Instruction(String keyword, String arguments) {
    /** The arguments without leading {@code --flag=value} options. */
    List<String> words() {
      List<String> words = new ArrayList<>(List.of(arguments.trim().split("\\s+")));
      words.removeIf(word -> word.startsWith("--"));
      return words;
    }

    Optional<String> flag(String name) {
      for (String word : arguments.trim().split("\\s+")) {
        if (word.startsWith("--" + name + "=")) {
          return Optional.of(word.substring(name.length() + 3));
        }
      }
      return Optional.empty();
    }
  }

  static DockerfileModel read(Path file) {
    List<String> logical = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : ContainerFiles.read(file).split("\n", -1)) {
      String trimmed = line.strip();
      if (current.length() == 0 && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
        continue;
      }
      if (trimmed.startsWith("#")) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      logical.add(current.toString().strip());
      current.setLength(0);
    }
    List<Stage> stages = new ArrayList<>();
    List<Instruction> instructions = null;
    for (String line : logical) {
      String[] parts = line.split("\\s+", 2);
      String keyword = parts[0].toUpperCase(java.util.Locale.ROOT);
      String arguments = parts.length > 1 ? parts[1] : "";
      if (keyword.equals("FROM")) {
        Matcher matcher = FROM.matcher(line);
        if (!matcher.matches()) {
          throw new AssertionError(file + ": cannot read " + line);
        }
        instructions = new ArrayList<>();
        stages.add(
            new Stage(matcher.group(1), Optional.ofNullable(matcher.group(2)), instructions));
      } else if (instructions == null) {
        throw new AssertionError(file + ": " + keyword + " before the first FROM");
      } else {
        instructions.add(new Instruction(keyword, arguments));
      }
    }
    return new DockerfileModel(List.copyOf(stages));
  }

  Stage stage(String name) {
    return stages.stream()
        .filter(stage -> stage.name().filter(name::equals).isPresent())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no stage named " + name));
  }

  Stage runtime() {
    return stages.get(stages.size() - 1);
  }
}
