package dev.edgestack.gateway.bench;

import dev.edgestack.gateway.GatewayDeployable;
import dev.edgestack.gateway.testing.EchoUpstream;
import dev.edgestack.gateway.testing.FreePorts;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.process.EdgeProcess;
import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Not a test: requests per second and p99 through one gateway and through three clustered gateways
 * (the client spreads its connections over them, as edge-lb would), with the limiter off, {@code
 * exact} and {@code leased}, one hot key (every request from 127.0.0.1) under a limit it never
 * reaches, in one run.
 *
 * <pre>
 * mvn -q -o -pl api-gateway install -DskipTests   # or a normal build
 * java $HAZELCAST_JVM_FLAGS -cp api-gateway/target/test-classes:api-gateway/target/api-gateway.jar \
 *     dev.edgestack.gateway.bench.RateLimitBenchmark [seconds=10] [connections=64]
 * </pre>
 */
public final class RateLimitBenchmark {
  // -Dbench.modes=leased -Dbench.gateways=1 narrow a run, for example to profile one case.
  private static final List<String> MODES =
      List.of(System.getProperty("bench.modes", "off,exact,leased").split(","));
  private static final List<Integer> GATEWAYS =
      Arrays.stream(System.getProperty("bench.gateways", "1,3").split(","))
          .map(Integer::valueOf)
          .toList();

  private RateLimitBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int connections = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    Vertx vertx = Vertx.vertx();
    EchoUpstream upstream = EchoUpstream.start(vertx, "bench-upstream");
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            "%-12s %-7s %10s %9s %9s %10s %10s",
            "topology", "limiter", "req/s", "p50 ms", "p99 ms", "vs off", "p99 +ms"));
    try {
      for (int gateways : GATEWAYS) {
        double[] off = null;
        for (String mode : MODES) {
          List<RunningInstance> running = startGateways(gateways, mode, upstream.endpoint());
          try {
            List<Integer> ports = running.stream().map(RunningInstance::httpPort).toList();
            load(vertx, ports, connections, 3);
            double[] result = load(vertx, ports, connections, seconds);
            if (off == null) {
              off = result;
            }
            if (System.getProperty("bench.metrics") != null) {
              for (RunningInstance instance : running) {
                metrics(instance.adminPort());
              }
            }
            lines.add(
                String.format(
                    "%-12s %-7s %10.0f %9.2f %9.2f %9.1f%% %10.2f",
                    gateways == 1 ? "1 gateway" : gateways + " gateways",
                    mode,
                    result[0],
                    result[1],
                    result[2],
                    100 * result[0] / off[0],
                    result[2] - off[2]));
          } finally {
            for (RunningInstance instance : running) {
              instance.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
          }
        }
      }
    } finally {
      upstream.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    lines.forEach(System.out::println);
  }

  private static List<RunningInstance> startGateways(int count, String mode, String upstream)
      throws Exception {
    List<Integer> clusterPorts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      clusterPorts.add(FreePorts.next());
    }
    String members = String.join(",", clusterPorts.stream().map(p -> "127.0.0.1:" + p).toList());
    String cluster = "bench-" + UUID.randomUUID();
    List<RunningInstance> running = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String yaml = config(i, cluster, clusterPorts.get(i), members, mode, upstream);
      running.add(
          EdgeProcess.start(
                  "gateway",
                  ConfigLoader.withVariables(Map.of()).parse("bench.yaml", yaml),
                  new GatewayDeployable())
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS));
    }
    for (RunningInstance instance : running) {
      waitReady(instance.adminPort());
    }
    return running;
  }

  private static String config(
      int index, String cluster, int clusterPort, String members, String mode, String upstream) {
    String limits =
        mode.equals("off")
            ? ""
            : """
              rateLimits:
                - {name: hot, key: client-address, limit: 1000000, period: 1s, consistency: %s}
              """
                .formatted(mode);
    return """
        instance: {name: bench-gateway-%d}
        server: {host: 127.0.0.1, port: 0}
        admin: {port: 0}
        cluster: {name: %s, host: 127.0.0.1, port: %d, members: "%s", partitionCount: 271}
        upstreams:
          echo:
            endpoints: "%s"
            healthCheck: {path: /health/ready, interval: 1s, timeout: 500ms, rise: 1, fall: 2}
            timeouts: {connect: 1s, request: 5s}
        %s
        routes:
          - {id: echo, path: /echo, auth: none, rateLimits: [%s], upstream: echo, upstreamPath: /echo}
        """
        .formatted(
            index,
            cluster,
            clusterPort,
            members,
            upstream,
            limits,
            mode.equals("off") ? "" : "hot");
  }

  private static void metrics(int adminPort) throws Exception {
    String body =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    body.lines()
        .filter(l -> l.startsWith("edge_ratelimit") && !l.contains("_bucket"))
        .filter(l -> !l.endsWith(" 0.0"))
        .forEach(System.out::println);
  }

  private static void waitReady(int adminPort) throws Exception {
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        var response =
            client.send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + adminPort + "/health/ready"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new IllegalStateException("gateway on admin port " + adminPort + " never got ready");
  }

  /** Closed-loop load: {@code connections} requests in flight; returns {req/s, p50, p99}. */
  private static double[] load(Vertx vertx, List<Integer> ports, int connections, int seconds)
      throws Exception {
    List<HttpClient> clients = new ArrayList<>();
    for (int i = 0; i < ports.size(); i++) {
      clients.add(
          vertx.createHttpClient(
              new HttpClientOptions().setKeepAlive(true),
              new PoolOptions().setHttp1MaxSize(connections)));
    }
    long[] latencies = new long[50_000_000 / 10];
    AtomicInteger count = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    CountDownLatch done = new CountDownLatch(connections);
    long start = System.nanoTime();
    for (int c = 0; c < connections; c++) {
      int lane = c;
      next(clients, ports, lane, latencies, count, failures, running, done);
    }
    TimeUnit.SECONDS.sleep(seconds);
    running.set(false);
    done.await(30, TimeUnit.SECONDS);
    long elapsed = System.nanoTime() - start;
    for (HttpClient client : clients) {
      client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    int n = Math.min(count.get(), latencies.length);
    long[] sorted = Arrays.copyOf(latencies, n);
    Arrays.sort(sorted);
    if (failures.get() > 0) {
      System.out.println("failures: " + failures.get());
    }
    return new double[] {
      n / (elapsed / 1e9), sorted[n / 2] / 1e6, sorted[(int) Math.min(n - 1, n * 0.99)] / 1e6
    };
  }

  private static void next(
      List<HttpClient> clients,
      List<Integer> ports,
      int lane,
      long[] latencies,
      AtomicInteger count,
      AtomicInteger failures,
      AtomicBoolean running,
      CountDownLatch done) {
    if (!running.get()) {
      done.countDown();
      return;
    }
    int target = lane % ports.size();
    long started = System.nanoTime();
    clients
        .get(target)
        .request(HttpMethod.GET, ports.get(target), "127.0.0.1", "/echo")
        .compose(request -> request.send().compose(response -> response.body().map(response)))
        .onComplete(
            result -> {
              if (result.succeeded() && result.result().statusCode() == 200) {
                int i = count.getAndIncrement();
                if (i < latencies.length) {
                  latencies[i] = System.nanoTime() - started;
                }
              } else {
                failures.incrementAndGet();
              }
              next(clients, ports, lane, latencies, count, failures, running, done);
            });
  }
}
