# scrubwatch on Playwright's image: it ships Node.js (current LTS) and the Chromium build this Playwright version
# drives, so nothing is downloaded at run time. Keep the tag equal to the playwright version in package-lock.json.
FROM mcr.microsoft.com/playwright:v1.65.1-noble

ENV NODE_ENV=production \
    PLAYWRIGHT_BROWSERS_PATH=/ms-playwright
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY bin ./bin
COPY sql ./sql
COPY jobs ./jobs
COPY src ./src

# The image's unprivileged user; Chromium runs with --no-sandbox inside the container's own isolation.
USER pwuser
ENTRYPOINT ["./bin/scrubwatch"]
CMD ["start"]
