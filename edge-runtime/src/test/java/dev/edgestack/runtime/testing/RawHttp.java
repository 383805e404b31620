package dev.edgestack.runtime.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.x spoken by hand over a plain socket, for tests of listeners that must see exactly the
 * bytes a test writes (malformed heads, pipelining, bodies cut short). Shared with other modules'
 * tests through this module's test jar.
 */
public final class RawHttp {
  private RawHttp() {}

  /** Writes {@code text} as ISO-8859-1 bytes and flushes. */
  public static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Everything until the server closes; null when it did not close within the socket timeout. */
  public static String readToEnd(Socket socket) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    try {
      for (int n; (n = in.read(buffer)) != -1; ) {
        bytes.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      return null;
    } catch (IOException e) {
      // A reset after the answer still counts as closed.
    }
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * The head of one response, whose Content-Length body is read and dropped; what arrived of the
   * head when the server closed before its end.
   */
  public static String readHead(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b == -1) {
        break;
      }
      head.append((char) b);
    }
    String text = head.toString();
    int at = text.toLowerCase().indexOf("content-length:");
    if (at >= 0) {
      int length = Integer.parseInt(text.substring(at + 15, text.indexOf("\r\n", at)).trim());
      in.readNBytes(length);
    }
    return text;
  }

  /** One whole response: its head and a Content-Length or chunked body, as text. */
  public static String readResponse(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b == -1) {
        throw new IOException("closed before a whole head: " + head);
      }
      head.append((char) b);
    }
    String lower = head.toString().toLowerCase();
    int at = lower.indexOf("content-length:");
    StringBuilder body = new StringBuilder();
    if (at >= 0) {
      int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).trim());
      body.append(new String(in.readNBytes(length), StandardCharsets.ISO_8859_1));
    } else if (lower.contains("transfer-encoding: chunked")) {
      while (true) {
        String size = readLine(in);
        int n = Integer.parseInt(size.trim(), 16);
        if (n == 0) {
          readLine(in);
          break;
        }
        body.append(new String(in.readNBytes(n), StandardCharsets.ISO_8859_1));
        readLine(in);
      }
    }
    return head + body.toString();
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b == -1) {
        throw new IOException("closed mid-line");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }
}
