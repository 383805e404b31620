package dev.edgestack.gateway.auth;

import dev.edgestack.gateway.config.JwtConfig;
import dev.edgestack.runtime.security.DemoSigningKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
 * The gateway's JWT check per request: an RS256 token verified every time ({@code uncached}, the
 * token cache off) or found in the cache of verified tokens ({@code cached}). Run with {@code mvn
 * -o -pl api-gateway -am -Pjmh test -Djmh.args="-f 1 -wi 3 -w 1s -i 5 -r 1s JwtBenchmark"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JwtBenchmark {
  @Param({"uncached", "cached"})
  public String cache;

  private Vertx vertx;
  private JwksKeys keys;
  private TokenVerifier verifier;
  private String token;

  @Setup
  public void setUp() throws Exception {
    vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory("jwt-bench");
    DemoSigningKey key = DemoSigningKey.loadOrCreate(dir.resolve("issuer-key.pem"));
    JwtConfig config =
        new JwtConfig(
            "https://issuer.bench",
            "bench",
            Optional.of(URI.create("http://127.0.0.1:9/.well-known/jwks.json")),
            List.of("RS256"),
            Duration.ofSeconds(30),
            Duration.ofMinutes(5),
            Duration.ofSeconds(2),
            Duration.ofSeconds(30),
            cache.equals("cached") ? 10_000 : 0,
            "bench",
            8192,
            List.of());
    JsonObject jwks =
        new JsonObject().put("keys", new JsonArray().add(new JsonObject(key.publicJwk())));
    keys =
        new JwksKeys(
            vertx,
            config,
            () -> Future.succeededFuture(jwks),
            Clock.systemUTC(),
            new SimpleMeterRegistry());
    keys.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!keys.loaded()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the JWKS did not load");
      }
      Thread.sleep(10);
    }
    verifier = new TokenVerifier(config, keys, Clock.systemUTC());
    long now = System.currentTimeMillis() / 1000;
    token =
        key.signJwt(
            new JsonObject()
                .put("iss", "https://issuer.bench")
                .put("aud", "bench")
                .put("sub", "bench")
                .put("scope", "accounts:read")
                .put("iat", now)
                .put("exp", now + 86_400)
                .encode());
    verify();
  }

  @TearDown
  public void tearDown() throws Exception {
    keys.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Benchmark
  public Identity verify() throws Exception {
    return verifier
        .verify(token)
        .toCompletionStage()
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }
}
