# scrubwatch on Playwright's image: it ships Node.js (its current LTS: 24 in the images since Playwright 1.57; package.json's
# engines admit it) and the Chromium build this Playwright version drives, so nothing is downloaded at run time. Keep
# the tag equal to the playwright version in package-lock.json.
FROM mcr.microsoft.com/playwright:v1.65.1-noble

# SCRUBWATCH_DATA_DIR: the embedded mode's database (used when DATABASE_URL is unset) lives on a volume, not in /app.
ENV NODE_ENV=production \
    PLAYWRIGHT_BROWSERS_PATH=/ms-playwright \
    SCRUBWATCH_DATA_DIR=/data
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY bin ./bin
COPY sql ./sql
COPY jobs ./jobs
COPY src ./src

# The code stays root's and read-only to the process. What it writes goes to folders of its own user (pwuser, made by
# Playwright's image, home /home/pwuser): /data for the embedded database, /exports for `scrubwatch export`.
RUN mkdir -p /data /exports && chown pwuser:pwuser /data /exports
VOLUME ["/data"]

# The image's unprivileged user; Chromium runs with --no-sandbox inside the container's own isolation.
USER pwuser
ENTRYPOINT ["./bin/scrubwatch"]
CMD ["start"]
