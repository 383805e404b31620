package dev.edgestack.gateway.config;

import dev.edgestack.gateway.route.UpstreamTemplate;

/**
 * One part of a composed response: its name in the JSON document, the upstream and path it comes
 * from, and whether the whole response fails without it ({@code required}) or reports it missing.
 */
public record ComposePart(String name, String upstream, UpstreamTemplate path, boolean required) {}
