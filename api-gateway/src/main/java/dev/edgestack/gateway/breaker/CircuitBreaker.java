package dev.edgestack.gateway.breaker;

import dev.edgestack.balancer.Ticker;
import dev.edgestack.gateway.config.CircuitBreakerConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * A closed / open / half-open circuit breaker over a failure ratio in a sliding time window (ten
 * buckets of {@code window / 10}). Time is read only through the injected {@link Ticker}.
 *
 * <p>An outcome is counted only in the state that admitted its call ({@link
 * CircuitPermit#generation}): a slow call admitted while closed that fails after the breaker opened
 * neither extends the open period nor fails a probe. Methods are synchronized: each is a few field
 * updates, and a breaker may be shared by several event loops.
 */
public final class CircuitBreaker {
  private static final int BUCKETS = 10;

  /** Told of every state change, after it happened, outside no lock it could deadlock on. */
  @FunctionalInterface
  public interface TransitionListener {
    void changed(CircuitState from, CircuitState to);
  }

  private final CircuitBreakerConfig config;
  private final Ticker ticker;
  private final TransitionListener listener;
  private final long bucketNanos;
  private final long[] bucketStart = new long[BUCKETS];
  private final int[] calls = new int[BUCKETS];
  private final int[] failures = new int[BUCKETS];
  private CircuitState state = CircuitState.CLOSED;
  private long generation;
  private long openUntil;
  private int probesStarted;
  private int probesSucceeded;

  public CircuitBreaker(CircuitBreakerConfig config, Ticker ticker, TransitionListener listener) {
    this.config = Objects.requireNonNull(config, "config");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.bucketNanos = Math.max(1, config.window().toNanos() / BUCKETS);
    Arrays.fill(bucketStart, Long.MIN_VALUE);
  }

  /** The current state; an open breaker whose {@code openFor} passed reads as half-open. */
  public CircuitState state() {
    CircuitState from;
    synchronized (this) {
      from = state;
      if (!leaveOpenIfDue()) {
        return state;
      }
    }
    listener.changed(from, CircuitState.HALF_OPEN);
    return CircuitState.HALF_OPEN;
  }

  /** Asks to send one call. */
  public CircuitPermit tryAcquire() {
    CircuitPermit permit;
    boolean halfOpened;
    synchronized (this) {
      halfOpened = leaveOpenIfDue();
      permit =
          switch (state) {
            case CLOSED -> CircuitPermit.admitted(generation, false);
            case OPEN -> CircuitPermit.rejected(Duration.ofNanos(openUntil - ticker.nanos()));
            case HALF_OPEN -> {
              if (probesStarted < config.halfOpenRequests()) {
                probesStarted++;
                yield CircuitPermit.admitted(generation, true);
              }
              // Probes are out: the next chance comes when they are back, at the latest
              // after another open period.
              yield CircuitPermit.rejected(config.openFor());
            }
          };
    }
    if (halfOpened) {
      listener.changed(CircuitState.OPEN, CircuitState.HALF_OPEN);
    }
    return permit;
  }

  /** Reports the outcome of a call that {@code permit} admitted. */
  public void record(CircuitPermit permit, CallOutcome outcome) {
    if (!permit.admitted()) {
      return;
    }
    CircuitState from;
    CircuitState to;
    synchronized (this) {
      if (permit.generation != generation) {
        return;
      }
      from = state;
      if (state == CircuitState.HALF_OPEN) {
        onProbe(outcome);
      } else if (state == CircuitState.CLOSED && outcome != CallOutcome.IGNORED) {
        count(outcome == CallOutcome.FAILURE);
      }
      to = state;
    }
    if (from != to) {
      listener.changed(from, to);
    }
  }

  private void onProbe(CallOutcome outcome) {
    switch (outcome) {
      case FAILURE -> open();
      case IGNORED -> probesStarted--;
      case SUCCESS -> {
        probesSucceeded++;
        if (probesSucceeded >= config.halfOpenRequests()) {
          moveTo(CircuitState.CLOSED);
          Arrays.fill(bucketStart, Long.MIN_VALUE);
        }
      }
    }
  }

  private void count(boolean failed) {
    long now = ticker.nanos();
    long start = now - Math.floorMod(now, bucketNanos);
    int index = (int) Math.floorMod(Math.floorDiv(now, bucketNanos), (long) BUCKETS);
    if (bucketStart[index] != start) {
      bucketStart[index] = start;
      calls[index] = 0;
      failures[index] = 0;
    }
    calls[index]++;
    if (failed) {
      failures[index]++;
    }
    if (!failed) {
      return;
    }
    long oldest = start - (BUCKETS - 1) * bucketNanos;
    int total = 0;
    int failing = 0;
    for (int i = 0; i < BUCKETS; i++) {
      if (bucketStart[i] != Long.MIN_VALUE && bucketStart[i] >= oldest) {
        total += calls[i];
        failing += failures[i];
      }
    }
    if (total >= config.minimumRequests() && failing >= config.failureRatio() * total) {
      open();
    }
  }

  private void open() {
    moveTo(CircuitState.OPEN);
    openUntil = ticker.nanos() + config.openFor().toNanos();
  }

  private boolean leaveOpenIfDue() {
    if (state == CircuitState.OPEN && ticker.nanos() - openUntil >= 0) {
      moveTo(CircuitState.HALF_OPEN);
      return true;
    }
    return false;
  }

  private void moveTo(CircuitState next) {
    state = next;
    generation++;
    probesStarted = 0;
    probesSucceeded = 0;
  }
}
