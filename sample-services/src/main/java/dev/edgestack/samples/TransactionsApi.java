package dev.edgestack.samples;

import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The transactions service: {@code GET /transactions/{accountId}} answers {@code {"accountId",
 * "transactions": [{"id", "amount", "currency", "bookedAt", "description"}]}} to the account's
 * owner only, with the same rule as the accounts service.
 */
final class TransactionsApi implements ServiceRoutes {
  private final TransactionLedger ledger;

  TransactionsApi(TransactionLedger ledger) {
    this.ledger = ledger;
  }

  @Override
  public void mount(Router router) {
    router.get("/transactions/:accountId").handler(this::transactions);
  }

  private void transactions(RoutingContext ctx) {
    String subject = Routing.subject(ctx);
    String accountId = ctx.pathParam("accountId");
    List<Transaction> booked =
        ledger
            .findOwned(accountId, subject)
            .orElseThrow(
                () ->
                    EdgeFailure.of(
                        FailureKind.NOT_FOUND, "No account " + accountId + " for " + subject));
    JsonArray items = new JsonArray();
    booked.forEach(transaction -> items.add(transaction.toJson()));
    Routing.json(ctx, new JsonObject().put("accountId", accountId).put("transactions", items));
  }
}
