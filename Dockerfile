# QunDesk: build once with dev dependencies, run with production ones only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles its native addon with node-gyp.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json tsconfig.web.json ./
COPY src ./src
COPY bin ./bin
# npm ci's build (prepare) runs scripts/build-dictionary.js: the prebuilt CC-CEDICT in dist/nlu/cedict.bin.
COPY scripts ./scripts
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    QUNDESK_HOST=0.0.0.0 \
    QUNDESK_PORT=3000 \
    QUNDESK_DATA_DIR=/data \
    QUNDESK_KNOWLEDGE_DIR=/app/knowledge \
    QUNDESK_RULES_DIR=/app/rules
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY knowledge ./knowledge
COPY rules ./rules
# QUNDESK_STATE_DIR's default for the node user: made here so that a volume mounted on it belongs to node (a mount
# point Docker creates itself is root's, and QunDesk could not record the database there).
RUN mkdir -p /data /home/node/.local/state/qundesk && chown node:node /data && chown -R node:node /home/node/.local \
    && chmod 700 /home/node/.local/state/qundesk
VOLUME ["/data"]
EXPOSE 3000
USER node
# Alive when the console answers (the public login page); /api/health needs a token and tells more.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.QUNDESK_PORT || 3000) + '/login').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Secrets (QUNDESK_API_TOKEN, WECHATY_PUPPET_SERVICE_TOKEN) come from the environment at run time, never the image.
# Without an account (WECHATY_PUPPET=wechaty-puppet-service …) the start refuses: the demo never listens on 0.0.0.0.
CMD ["node", "bin/qundesk.js", "start"]
