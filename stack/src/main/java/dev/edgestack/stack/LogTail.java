package dev.edgestack.stack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The last lines of a log file, read from its end so that long logs cost nothing. */
final class LogTail {
  private static final int MAX_BYTES = 64 * 1024;

  private LogTail() {}

  static String of(Path log, int lines) {
    try (SeekableByteChannel channel = Files.newByteChannel(log)) {
      long start = Math.max(0, channel.size() - MAX_BYTES);
      channel.position(start);
      ByteBuffer buffer = ByteBuffer.allocate((int) (channel.size() - start));
      while (buffer.hasRemaining() && channel.read(buffer) > 0) {
        // Read until the buffer is full or the file ends.
      }
      String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
      List<String> all = Arrays.asList(text.split("\r?\n", -1));
      if (start > 0 && !all.isEmpty()) {
        all = all.subList(1, all.size());
      }
      if (!all.isEmpty() && all.get(all.size() - 1).isEmpty()) {
        all = all.subList(0, all.size() - 1);
      }
      List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
      return last.isEmpty() ? "" : String.join("\n", last) + "\n";
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")\n";
    }
  }
}
