package dev.edgestack.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** {@code <runDir>/state.json}: written aside and moved into place, so readers never see half. */
final class StateStore {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path file;

  StateStore(Path runDir) {
    this.file = runDir.resolve("state.json");
  }

  Path file() {
    return file;
  }

  boolean exists() {
    return Files.exists(file);
  }

  Optional<StackState> read() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot be read: " + e.getMessage(), e);
    }
    try {
      return Optional.of(StateCodec.decode(MAPPER.readTree(bytes)));
    } catch (IOException | RuntimeException e) {
      throw new StackException(
          file + ": not a state file of edge-stack (" + e.getMessage() + "); delete it", e);
    }
  }

  void write(StackState state) {
    try {
      Files.createDirectories(file.getParent());
      Path temporary = Files.createTempFile(file.getParent(), ".state", ".json.tmp");
      try {
        MAPPER.writeValue(temporary.toFile(), StateCodec.encode(state));
        move(temporary);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot be written: " + e.getMessage(), e);
    }
  }

  private void move(Path temporary) throws IOException {
    try {
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot be deleted: " + e.getMessage(), e);
    }
  }
}
