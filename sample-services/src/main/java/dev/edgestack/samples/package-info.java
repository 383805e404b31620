/**
 * The banking sample behind the edge: accounts, transactions, exchange rates and a demo token
 * issuer, one per process, chosen by the {@code service} key of the file. Every replica can be made
 * slow, failing, resetting or silent through {@code /admin/faults} on its admin port.
 */
package dev.edgestack.samples;
