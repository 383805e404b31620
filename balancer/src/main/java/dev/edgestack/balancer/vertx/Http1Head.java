package dev.edgestack.balancer.vertx;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The head of one HTTP/1.x message, copied once out of the buffer it arrived in and parsed
 * strictly: the start line, each field as offsets into the copy, and what framing and forwarding
 * need (RFC 9112). Parsing an array avoids the bounds and reference checks of a buffer read per
 * byte. Fields the relay rewrites are recognised once here, so that copying the head skips them
 * without comparing names again.
 *
 * <p>A connection parses its messages, one at a time, into one instance ({@link #load}, then {@link
 * #parseRequest} or {@link #parseResponse}), so that a request costs no arrays; a message's head is
 * therefore valid only until the connection's next one is loaded.
 */
final class Http1Head {
  /** Field kinds; {@link #OTHER} fields are passed on as they came. */
  static final byte OTHER = 0;

  static final byte HOST = 1;
  static final byte CONTENT_LENGTH = 2;
  static final byte TRANSFER_ENCODING = 3;
  static final byte CONNECTION = 4;
  // Hop-by-hop fields that are dropped (RFC 9110 7.6.1), and forwarding fields that are rewritten.
  static final byte HOP_BY_HOP = 5;
  static final byte X_FORWARDED_FOR = 6;
  static final byte FORWARDED = 7;
  static final byte OTHER_FORWARDING = 8;
  static final byte VIA = 9;
  static final byte REQUEST_ID = 10;
  static final byte TRACEPARENT = 11;
  static final byte X_FORWARDED_PROTO = 12;
  static final byte X_FORWARDED_HOST = 13;

  private static final String[] NAMES = {
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
    "proxy-authenticate",
    "proxy-authorization",
    "x-forwarded-for",
    "forwarded",
    "x-forwarded-port",
    "x-forwarded-prefix",
    "x-real-ip",
    "via",
    "x-request-id",
    "traceparent",
    "x-forwarded-proto",
    "x-forwarded-host"
  };
  private static final byte[] KINDS = {
    HOST,
    CONTENT_LENGTH,
    TRANSFER_ENCODING,
    CONNECTION,
    HOP_BY_HOP,
    HOP_BY_HOP,
    HOP_BY_HOP,
    HOP_BY_HOP,
    HOP_BY_HOP,
    HOP_BY_HOP,
    HOP_BY_HOP,
    X_FORWARDED_FOR,
    FORWARDED,
    OTHER_FORWARDING,
    OTHER_FORWARDING,
    OTHER_FORWARDING,
    VIA,
    REQUEST_ID,
    TRACEPARENT,
    X_FORWARDED_PROTO,
    X_FORWARDED_HOST
  };
  private static final byte[][] NAME_BYTES = new byte[NAMES.length][];
  // The indexes of the names of each length: a field (every field of every message) is compared
  // with the one to three names of its length instead of all of them.
  private static final int[][] NAMES_BY_LENGTH;
  private static final byte[] CLOSE = "close".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KEEP_ALIVE = "keep-alive".getBytes(StandardCharsets.US_ASCII);
  // Case-sensitive (RFC 9112 2.3).
  private static final byte[] HTTP_1 = "HTTP/1.".getBytes(StandardCharsets.US_ASCII);
  private static final String[] METHODS = {
    "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "TRACE", "CONNECT"
  };
  private static final boolean[] TCHAR = new boolean[128];
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  static {
    int longest = 0;
    for (int i = 0; i < NAMES.length; i++) {
      NAME_BYTES[i] = NAMES[i].getBytes(StandardCharsets.US_ASCII);
      longest = Math.max(longest, NAMES[i].length());
    }
    NAMES_BY_LENGTH = new int[longest + 1][];
    for (int length = 0; length <= longest; length++) {
      final int wanted = length;
      NAMES_BY_LENGTH[length] =
          java.util.stream.IntStream.range(0, NAMES.length)
              .filter(i -> NAMES[i].length() == wanted)
              .toArray();
    }
    for (char c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 32] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

  /** Why a head was refused: the status to answer and a short reason. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    Malformed(int status, String reason) {
      super(reason, null, false, false);
      this.status = status;
    }
  }

  byte[] bytes;
  int end;
  // Request: method and target (the request line up to targetEnd); response: status.
  String method;
  String target;
  int targetEnd;
  int status;
  boolean http10;
  int count;
  int[] nameStart = new int[16];
  int[] nameEnd = new int[16];
  int[] valueStart = new int[16];
  int[] valueEnd = new int[16];
  byte[] kinds = new byte[16];
  long contentLength = -1;
  boolean chunked;
  boolean close;
  boolean keepAlive;
  // Names listed in Connection other than close/keep-alive: dropped as hop-by-hop.
  List<String> connectionOptions;
  int hostCount;
  String host;
  // The previous message's texts, reused when the next one spells them alike (a connection
  // usually asks for one host, and often for the same paths).
  private String previousTarget;
  private String previousHost;

  /** An empty head for a connection to {@link #load} its messages into. */
  Http1Head() {
    this.bytes = new byte[512];
  }

  private Http1Head(byte[] bytes) {
    this.bytes = bytes;
    this.end = bytes.length;
  }

  /**
   * Takes the next message's head, the {@code length} bytes from the reader index of {@code in}, in
   * place of the previous one, ready to be parsed.
   */
  void load(ByteBuf in, int length) {
    if (bytes.length < length) {
      bytes = new byte[Math.max(length, bytes.length * 2)];
    }
    in.readBytes(bytes, 0, length);
    end = length;
    if (target != null) {
      previousTarget = target;
    }
    if (host != null) {
      previousHost = host;
    }
    method = null;
    target = null;
    targetEnd = 0;
    status = 0;
    http10 = false;
    count = 0;
    contentLength = -1;
    chunked = false;
    close = false;
    keepAlive = false;
    connectionOptions = null;
    hostCount = 0;
    host = null;
  }

  /**
   * Where the head that begins at the reader index ends (just after its empty line), scanning from
   * {@code from}; -1 when it has not all arrived.
   */
  static int findEnd(ByteBuf buffer, int from) {
    int limit = buffer.writerIndex();
    int i = Math.max(from, buffer.readerIndex());
    while (true) {
      int lf = buffer.indexOf(i, limit, (byte) '\n');
      if (lf < 0) {
        return -1;
      }
      if (lf == buffer.readerIndex() || buffer.getByte(lf - 1) != '\r') {
        // A bare LF: the head ends here, so that parsing refuses it at once.
        return lf + 1;
      }
      // An empty line: "\r\n" right after the previous line's "\n", or at the very start.
      int lineStart = lf - 1;
      if (lineStart == buffer.readerIndex() || buffer.getByte(lineStart - 1) == '\n') {
        return lf + 1;
      }
      i = lf + 1;
    }
  }

  /** The length of the first line, or -1 if it has not ended yet. */
  static int firstLineLength(ByteBuf buffer) {
    int lf = buffer.indexOf(buffer.readerIndex(), buffer.writerIndex(), (byte) '\n');
    return lf < 0 ? -1 : lf - buffer.readerIndex();
  }

  /** Parses a request head, the whole of {@code bytes}. */
  static Http1Head request(byte[] bytes, int maxHeaderCount) throws Malformed {
    Http1Head head = new Http1Head(bytes);
    head.parseRequest(maxHeaderCount);
    return head;
  }

  /** Parses the loaded bytes as a request head. */
  void parseRequest(int maxHeaderCount) throws Malformed {
    int start = 0;
    int lineEnd = lineEnd(start);
    int sp1 = indexOf(start, lineEnd, (byte) ' ');
    int sp2 = sp1 < 0 ? -1 : indexOf(sp1 + 1, lineEnd, (byte) ' ');
    if (sp1 <= start || sp2 <= sp1 + 1) {
      throw new Malformed(400, "malformed request line");
    }
    for (int i = start; i < sp1; i++) {
      if (!isTchar(bytes[i])) {
        throw new Malformed(400, "malformed method");
      }
    }
    for (int i = sp1 + 1; i < sp2; i++) {
      byte b = bytes[i];
      if (b <= ' ' || b == 127) {
        throw new Malformed(400, "malformed request target");
      }
    }
    method = method(start, sp1);
    target = reuse(previousTarget, sp1 + 1, sp2);
    targetEnd = sp2;
    http10 = version(sp2 + 1, lineEnd);
    fields(lineEnd + 2, maxHeaderCount);
    checkRequest();
  }

  /** Parses a response head, the whole of {@code bytes}. */
  static Http1Head response(byte[] bytes, int maxHeaderCount) throws Malformed {
    Http1Head head = new Http1Head(bytes);
    head.parseResponse(maxHeaderCount);
    return head;
  }

  /** Parses the loaded bytes as a response head. */
  void parseResponse(int maxHeaderCount) throws Malformed {
    int start = 0;
    int lineEnd = lineEnd(start);
    // "HTTP/1.1 200 OK": version, three digits, then an optional reason.
    if (lineEnd - start < 12 || bytes[start + 8] != ' ') {
      throw new Malformed(502, "malformed status line");
    }
    http10 = version(start, start + 8);
    int code = 0;
    for (int i = start + 9; i < start + 12; i++) {
      byte b = bytes[i];
      if (b < '0' || b > '9') {
        throw new Malformed(502, "malformed status code");
      }
      code = code * 10 + (b - '0');
    }
    if (code < 100 || lineEnd > start + 12 && bytes[start + 12] != ' ') {
      throw new Malformed(502, "malformed status line");
    }
    status = code;
    fields(lineEnd + 2, maxHeaderCount);
    if (chunked && contentLength >= 0) {
      // RFC 9112 6.3: chunked wins; the length is dropped when the head is copied.
      contentLength = -1;
    }
  }

  private int lineEnd(int from) throws Malformed {
    int lf = indexOf(from, end, (byte) '\n');
    if (lf <= from || bytes[lf - 1] != '\r') {
      throw new Malformed(400, "a line does not end with CRLF");
    }
    return lf - 1;
  }

  /** True for HTTP/1.0, false for HTTP/1.1; anything else is refused. */
  private boolean version(int from, int to) throws Malformed {
    if (to - from != 8 || !java.util.Arrays.equals(bytes, from, from + 7, HTTP_1, 0, 7)) {
      throw new Malformed(505, "unsupported HTTP version");
    }
    byte minor = bytes[from + 7];
    if (minor == '1') {
      return false;
    }
    if (minor == '0') {
      return true;
    }
    throw new Malformed(505, "unsupported HTTP version");
  }

  private void fields(int from, int maxHeaderCount) throws Malformed {
    int i = from;
    while (i < end - 2) {
      if (count == maxHeaderCount) {
        throw new Malformed(431, "too many header fields");
      }
      int colon = i;
      while (colon < end && isTchar(bytes[colon])) {
        colon++;
      }
      if (colon == end || bytes[colon] != ':' || colon == i) {
        // Also catches obs-fold: a continuation line starts with a space and has no name.
        throw new Malformed(
            400,
            colon > i && colon < end && bytes[colon] != '\r' && bytes[colon] != '\n'
                ? "malformed header field name"
                : "malformed header field");
      }
      // One pass over the value finds both its end and any byte it may not hold.
      int lineEnd = valueStop(colon + 1);
      if (lineEnd >= end - 1 || bytes[lineEnd] != '\r' || bytes[lineEnd + 1] != '\n') {
        throw new Malformed(
            400,
            lineEnd < end && bytes[lineEnd] == '\n'
                ? "a line does not end with CRLF"
                : "malformed header field value");
      }
      int vs = colon + 1;
      int ve = lineEnd;
      while (vs < ve && isOws(bytes[vs])) {
        vs++;
      }
      while (ve > vs && isOws(bytes[ve - 1])) {
        ve--;
      }
      add(i, colon, vs, ve);
      i = lineEnd + 2;
    }
  }

  /**
   * The index of the first CR, LF, NUL or DEL at or after {@code from} (the end of a field value,
   * or a byte it may not hold), or {@link #end} if there is none. Eight bytes at a time: a bearer
   * token makes a value of hundreds of bytes, and every hop parses it.
   */
  private int valueStop(int from) {
    int v = from;
    while (true) {
      while (v + 8 <= end && !mayStop((long) LONGS.get(bytes, v))) {
        v += 8;
      }
      for (int wordEnd = Math.min(v + 8, end); v < wordEnd; v++) {
        byte b = bytes[v];
        if (b == '\r' || b == '\n' || b == 0 || b == 127) {
          return v;
        }
      }
      if (v >= end) {
        return end;
      }
    }
  }

  /** Whether a control byte (HTAB too: the caller tells it apart) or DEL is in {@code word}. */
  private static boolean mayStop(long word) {
    return ((word - 0x2020202020202020L) & ~word & 0x8080808080808080L
            | zeroByte(word ^ 0x7F7F7F7F7F7F7F7FL))
        != 0;
  }

  /** Non-zero exactly when some byte of {@code word} is zero. */
  private static long zeroByte(long word) {
    return (word - 0x0101010101010101L) & ~word & 0x8080808080808080L;
  }

  private void add(int ns, int ne, int vs, int ve) throws Malformed {
    if (count == kinds.length) {
      int size = count * 2;
      nameStart = java.util.Arrays.copyOf(nameStart, size);
      nameEnd = java.util.Arrays.copyOf(nameEnd, size);
      valueStart = java.util.Arrays.copyOf(valueStart, size);
      valueEnd = java.util.Arrays.copyOf(valueEnd, size);
      kinds = java.util.Arrays.copyOf(kinds, size);
    }
    byte kind = kindOf(ns, ne);
    nameStart[count] = ns;
    nameEnd[count] = ne;
    valueStart[count] = vs;
    valueEnd[count] = ve;
    kinds[count] = kind;
    count++;
    switch (kind) {
      case HOST -> {
        hostCount++;
        host = reuse(previousHost, vs, ve);
      }
      case CONTENT_LENGTH -> contentLength(vs, ve);
      case TRANSFER_ENCODING -> transferEncoding(value(count - 1));
      case CONNECTION -> connection(vs, ve);
      default -> {}
    }
  }

  private void contentLength(int vs, int ve) throws Malformed {
    // Several equal values ("5, 5" or repeated fields) are one length; differing ones are refused.
    long length = -1;
    long current = -1;
    for (int i = vs; i <= ve; i++) {
      byte b = i == ve ? (byte) ',' : bytes[i];
      if (b >= '0' && b <= '9') {
        current = (current < 0 ? 0 : current) * 10 + (b - '0');
        if (current > 1L << 52) {
          throw new Malformed(400, "content-length out of range");
        }
      } else if (b == ',') {
        if (current < 0 || length >= 0 && length != current) {
          throw new Malformed(400, "invalid or differing content-length values");
        }
        length = current;
        current = -1;
      } else if (!isOws(b)) {
        throw new Malformed(400, "invalid content-length");
      }
    }
    if (contentLength >= 0 && contentLength != length) {
      throw new Malformed(400, "differing content-length values");
    }
    contentLength = length;
  }

  private void transferEncoding(String value) throws Malformed {
    for (String coding : value.split(",")) {
      String name = coding.trim();
      if (name.isEmpty()) {
        continue;
      }
      if (chunked) {
        throw new Malformed(400, "chunked is not the final transfer coding");
      }
      if (name.equalsIgnoreCase("chunked")) {
        chunked = true;
      } else if (!name.equalsIgnoreCase("identity")) {
        throw new Malformed(501, "unsupported transfer coding " + name);
      }
    }
    if (!chunked) {
      throw new Malformed(400, "chunked is not the final transfer coding");
    }
  }

  /** Reads the Connection options in place; only names other than close/keep-alive become text. */
  private void connection(int vs, int ve) {
    int i = vs;
    while (i < ve) {
      int comma = indexOf(i, ve, (byte) ',');
      int to = comma < 0 ? ve : comma;
      int from = i;
      while (from < to && isOws(bytes[from])) {
        from++;
      }
      int until = to;
      while (until > from && isOws(bytes[until - 1])) {
        until--;
      }
      if (is(from, until, CLOSE)) {
        close = true;
      } else if (is(from, until, KEEP_ALIVE)) {
        keepAlive = true;
      } else if (until > from) {
        if (connectionOptions == null) {
          connectionOptions = new ArrayList<>(2);
        }
        connectionOptions.add(text(from, until - from, StandardCharsets.ISO_8859_1));
      }
      i = to + 1;
    }
  }

  /** Whether {@code [from, to)} spells {@code lowerCase} in any case. */
  private boolean is(int from, int to, byte[] lowerCase) {
    if (to - from != lowerCase.length) {
      return false;
    }
    for (int i = 0; i < lowerCase.length; i++) {
      if (lower(bytes[from + i]) != lowerCase[i]) {
        return false;
      }
    }
    return true;
  }

  /** The method, as one shared string when it is a standard one. */
  private String method(int from, int to) {
    for (String known : METHODS) {
      if (known.length() == to - from) {
        boolean same = true;
        for (int i = 0; i < known.length() && same; i++) {
          same = bytes[from + i] == known.charAt(i);
        }
        if (same) {
          return known;
        }
      }
    }
    return text(from, to - from, StandardCharsets.US_ASCII);
  }

  private void checkRequest() throws Malformed {
    if (chunked && contentLength >= 0) {
      throw new Malformed(400, "both content-length and transfer-encoding");
    }
    if (hostCount > 1 || hostCount == 0 && !http10) {
      throw new Malformed(400, hostCount == 0 ? "missing host" : "repeated host");
    }
  }

  /** Whether the connection stays open after this message (RFC 9112 9.3). */
  boolean persistent() {
    return !close && (!http10 || keepAlive);
  }

  /** Whether the field at {@code index} is dropped when the head is passed on. */
  boolean hopByHop(int index) {
    byte kind = kinds[index];
    if (kind == CONNECTION || kind == HOP_BY_HOP || kind == TRANSFER_ENCODING) {
      return true;
    }
    if (connectionOptions != null) {
      for (String option : connectionOptions) {
        if (nameIs(index, option)) {
          return true;
        }
      }
    }
    return false;
  }

  String value(int index) {
    return text(
        valueStart[index], valueEnd[index] - valueStart[index], StandardCharsets.ISO_8859_1);
  }

  /** The first value of the field named {@code name} (any case), or null. */
  String value(String name) {
    for (int i = 0; i < count; i++) {
      if (nameIs(i, name)) {
        return value(i);
      }
    }
    return null;
  }

  boolean nameIs(int index, String name) {
    int length = nameEnd[index] - nameStart[index];
    if (length != name.length()) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (lower(bytes[nameStart[index] + i]) != lower((byte) name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private byte kindOf(int ns, int ne) {
    int length = ne - ns;
    if (length >= NAMES_BY_LENGTH.length) {
      return OTHER;
    }
    byte first = lower(bytes[ns]);
    for (int k : NAMES_BY_LENGTH[length]) {
      byte[] name = NAME_BYTES[k];
      if (name[0] != first) {
        continue;
      }
      boolean same = true;
      for (int i = 1; i < length; i++) {
        if (lower(bytes[ns + i]) != name[i]) {
          same = false;
          break;
        }
      }
      if (same) {
        return KINDS[k];
      }
    }
    return OTHER;
  }

  private int indexOf(int from, int to, byte wanted) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }

  /** The text of {@code [from, to)}: {@code previous} when it spells the same, else a new one. */
  private String reuse(String previous, int from, int to) {
    if (previous != null && previous.length() == to - from) {
      int i = 0;
      while (i < previous.length() && previous.charAt(i) == (char) (bytes[from + i] & 0xff)) {
        i++;
      }
      if (i == previous.length()) {
        return previous;
      }
    }
    return text(from, to - from, StandardCharsets.ISO_8859_1);
  }

  private String text(int offset, int length, java.nio.charset.Charset charset) {
    return new String(bytes, offset, length, charset);
  }

  private static byte lower(byte b) {
    return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
  }

  private static boolean isTchar(byte b) {
    return b > 0 && TCHAR[b];
  }

  private static boolean isOws(byte b) {
    return b == ' ' || b == '\t';
  }
}
