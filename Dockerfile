# One image for every show-control process; docker-compose.yml picks the process with `command`:
#   node dist/worker/main.js      the worker (default)      = npm run worker
#   node dist/api/main.js         the operator API          = npm run api
#   node dist/inventory/cli.js    inventory sync, one-shot  = npm run sync
#   node dist/simulator/cli.js    the device simulator      = npm run simulator
#   node dist/alerting/cli.js     Alertmanager's config, one-shot = npm run alertmanager-config
#   node dist/alerting/print-notifications.js  the demo's notification printer = npm run notification-printer
ARG NODE_IMAGE=node:20.20.2-slim

# Compiles the processes to dist/ and bundles the workflow code once (deploy/build.ts).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsx deploy/build.ts --out-dir dist

FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The demo venue, its simulated devices and demo credentials; mount a real venue file over
# /app/config or point VENUE_CONFIG elsewhere.
COPY config/*.yaml ./config/
COPY simulator/demo-devices.yaml ./simulator/
# Where alertmanager-config writes (a named volume in docker-compose.yml, which takes this folder's
# owner when it is first mounted): the file holds credentials, mode 0600, for this user only.
RUN install -d -o node -g node /app/data/alertmanager
USER node
CMD ["node", "dist/worker/main.js"]
