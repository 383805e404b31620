package dev.edgestack.it;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A bounded load: a few clients send requests back to back until a fixed count or time is reached
 * or {@link #close()} is called. An answer below 500 counts as served (a 429 is a live gateway's
 * answer); a 5xx, a timeout or a broken connection counts as failed.
 */
final class LoadLoop implements AutoCloseable {
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(3))
          .build();
  private final IntFunction<HttpRequest> requests;
  private final int maxRequests;
  private final long deadline;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicInteger served = new AtomicInteger();
  private final Queue<String> failures = new ConcurrentLinkedQueue<>();
  private final List<Thread> clients = new ArrayList<>();

  private LoadLoop(
      IntFunction<HttpRequest> requests, int clients, int maxRequests, Duration maxTime) {
    this.requests = requests;
    this.maxRequests = maxRequests;
    this.deadline = System.nanoTime() + maxTime.toNanos();
    for (int i = 0; i < clients; i++) {
      Thread thread = new Thread(this::run, "load-" + i);
      thread.setDaemon(true);
      this.clients.add(thread);
    }
  }

  /** Starts {@code clients} clients; request number n is {@code requests.apply(n)}. */
  static LoadLoop start(
      IntFunction<HttpRequest> requests, int clients, int maxRequests, Duration maxTime) {
    LoadLoop loop = new LoadLoop(requests, clients, maxRequests, maxTime);
    loop.clients.forEach(Thread::start);
    return loop;
  }

  private void run() {
    while (!stopped.get() && System.nanoTime() - deadline < 0) {
      int n = sent.incrementAndGet();
      if (n > maxRequests) {
        return;
      }
      HttpRequest request = requests.apply(n);
      try {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() < 500) {
          served.incrementAndGet();
        } else {
          failures.add(
              request.uri().getPath() + " -> " + response.statusCode() + " " + response.body());
        }
      } catch (IOException e) {
        failures.add(request.uri().getPath() + " -> " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  int served() {
    return served.get();
  }

  List<String> failures() {
    return List.copyOf(failures);
  }

  /** Stops sending and waits for the requests in flight (each has its own timeout). */
  @Override
  public void close() throws InterruptedException {
    stopped.set(true);
    for (Thread thread : clients) {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    }
  }
}
