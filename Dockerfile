FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
# Airbyte's JSON Schemas, loaded at run time (src/airbyte/airbyte-schemas.ts)
COPY --from=build /app/vendor ./vendor
COPY scripts ./scripts
USER node
EXPOSE 8080
CMD ["node", "--no-allocation-site-pretenuring", "dist/src/main.js"]
