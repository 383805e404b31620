package dev.edgestack.gateway.testing;

import static org.awaitility.Awaitility.await;

import dev.edgestack.gateway.GatewayDeployable;
import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.runtime.process.EdgeProcess;
import dev.edgestack.runtime.process.RunningInstance;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A whole gateway in this JVM, started from a config and handed over once it reports ready. */
public final class ReadyGateway {
  private ReadyGateway() {}

  /** Starts the gateway and waits (30 s at most each) for it to start and to report ready. */
  public static RunningInstance start(ConfigNode config) throws Exception {
    RunningInstance gateway =
        EdgeProcess.start("gateway", config, new GatewayDeployable())
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    String ready = "http://127.0.0.1:" + gateway.adminPort() + "/health/ready";
    await().atMost(Duration.ofSeconds(30)).until(() -> Http.get(ready).statusCode() == 200);
    return gateway;
  }
}
