package dev.edgestack.balancer.vertx;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Finding and parsing one request head as the relay does per request ({@link Http1Head#findEnd},
 * {@link Http1Head#load}, {@link Http1Head#parseRequest}): wrk's request without a token, and with
 * an RS256 bearer token as the bench's JWT targets send it (a 700-byte field, parsed at every hop
 * of the hybrid chain). Run with {@code mvn -o -q -pl balancer -am -Pjmh -DskipTests test
 * -Djmh.args="Http1HeadBenchmark"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class Http1HeadBenchmark {
  @Param({"0", "700"})
  public int tokenLength;

  private final Http1Head head = new Http1Head();
  private ByteBuf request;

  @Setup
  public void setUp() {
    StringBuilder text = new StringBuilder("GET /bench/jwt HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n");
    if (tokenLength > 0) {
      text.append("Authorization: Bearer ");
      for (int i = 0; i < tokenLength; i++) {
        text.append("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.".charAt(i % 65));
      }
      text.append("\r\n");
    }
    text.append("\r\n");
    request = Unpooled.directBuffer().writeBytes(text.toString().getBytes(StandardCharsets.US_ASCII));
  }

  @TearDown
  public void tearDown() {
    request.release();
  }

  @Benchmark
  public int findAndParse() throws Http1Head.Malformed {
    request.readerIndex(0);
    int end = Http1Head.findEnd(request, 0);
    head.load(request, end);
    head.parseRequest(100);
    return head.count;
  }
}
