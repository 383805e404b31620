package dev.edgestack.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * {@code <runDir>/state.json}: written aside and moved into place, so readers never see half; every
 * change holds {@code state.json.lock} (a file lock between launchers, a monitor within one JVM),
 * so concurrent commands do not lose each other's updates.
 */
final class StateStore {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(10);
  private static final long LOCK_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  /** A file lock is held per JVM, so threads of one JVM take turns on a monitor first. */
  private static final ConcurrentMap<Path, Object> MONITORS = new ConcurrentHashMap<>();

  private final Path file;
  private final Path lockFile;

  StateStore(Path runDir) {
    this.file = runDir.resolve("state.json");
    this.lockFile = runDir.resolve("state.json.lock");
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
    locked(() -> writeUnlocked(state));
  }

  /** Reads, changes and writes the state as one step; fails when there is no state. */
  StackState update(UnaryOperator<StackState> change) {
    return locked(
        () -> {
          StackState changed =
              change.apply(
                  read().orElseThrow(() -> new StackException(file + ": no stack is running")));
          writeUnlocked(changed);
          return changed;
        });
  }

  private void writeUnlocked(StackState state) {
    try {
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
    locked(
        () -> {
          try {
            Files.deleteIfExists(file);
          } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be deleted: " + e.getMessage(), e);
          }
        });
  }

  private void locked(Runnable action) {
    locked(
        () -> {
          action.run();
          return null;
        });
  }

  private <T> T locked(Supplier<T> action) {
    synchronized (MONITORS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> p)) {
      try {
        Files.createDirectories(file.getParent());
        try (FileChannel channel =
                FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = acquire(channel)) {
          return action.get();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(lockFile + ": cannot be locked: " + e.getMessage(), e);
      }
    }
  }

  /** Waits at most {@link #LOCK_TIMEOUT}: a command that holds the lock does for milliseconds. */
  private FileLock acquire(FileChannel channel) throws IOException {
    long deadline = System.nanoTime() + LOCK_TIMEOUT.toNanos();
    while (true) {
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return lock;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new StackException(
            lockFile
                + ": still locked by another edge-stack command after "
                + LOCK_TIMEOUT.toSeconds()
                + " s");
      }
      LockSupport.parkNanos(LOCK_RETRY_NANOS);
    }
  }
}
