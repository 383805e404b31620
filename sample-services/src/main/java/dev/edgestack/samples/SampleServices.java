package dev.edgestack.samples;

import dev.edgestack.runtime.config.ConfigException;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.process.Deployable;
import dev.edgestack.runtime.process.EdgeContext;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The deployable of the sample banking services: it reads {@code service} (accounts, transactions,
 * rates or issuer), starts that service on the HTTP port and adds {@code /admin/faults} to the
 * admin port. See {@link SampleServiceConfig} for the keys it reads.
 */
public final class SampleServices {
  private SampleServices() {}

  /** The deployable to hand to {@code EdgeProcess.start} or {@code EdgeProcess.main}. */
  public static Deployable deployable() {
    return SampleServices::start;
  }

  /**
   * Validates the file named by {@code --config} and gives the role to run it under ({@code issuer}
   * or {@code service}); empty without {@code --config}. Throws {@link ConfigException} naming the
   * file, the key and the expectation.
   */
  public static Optional<String> roleFor(String[] args) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--config")) {
        return Optional.of(
            SampleServiceConfig.from(ConfigLoader.fromEnvironment().load(Path.of(args[i + 1])))
                .kind()
                .role());
      }
    }
    return Optional.empty();
  }

  private static Future<Void> start(EdgeContext context) {
    SampleServiceConfig config;
    try {
      config = SampleServiceConfig.from(context.config());
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    FaultInjector faults =
        new FaultInjector(
            context.vertx(), config.faultRandom(), context.registry(), context.instance());
    FaultAdmin.mount(context, faults);
    return routes(config, context)
        .compose(routes -> ServiceServer.start(context, faults, routes))
        .mapEmpty();
  }

  private static Future<ServiceRoutes> routes(SampleServiceConfig config, EdgeContext context) {
    return switch (config.kind()) {
      case ACCOUNTS -> Future.succeededFuture(new AccountsApi(AccountBook.demo()));
      case TRANSACTIONS -> Future.succeededFuture(new TransactionsApi(TransactionLedger.demo()));
      case RATES -> Future.succeededFuture(new RatesApi(RateTable.demo()));
      case ISSUER ->
          IssuerApi.start(context, config.issuer().orElseThrow()).<ServiceRoutes>map(api -> api);
    };
  }
}
