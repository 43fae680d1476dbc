# Curbside: `make run` serves a local instance, `make test` runs every test.
# Without DATABASE_URL both use a private PostgreSQL cluster under ./.data/.
BIN := bin/curbside
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: build run test stop lint bench

build:
	go build -o $(BIN) ./cmd/curbside

run: build
	@if [ -z "$$DATABASE_URL" ]; then ./$(BIN) devdb start; fi
	./$(BIN) migrate up
	./$(BIN) seed --demo
	@echo "Curbside is at $${CURBSIDE_BASE_URL:-http://localhost:8080} (Ctrl-C stops it; 'make stop' stops the local database)"
	CURBSIDE_MOD_2FA=$${CURBSIDE_MOD_2FA:-optional} ./$(BIN) serve

test:
	go test -race -count=1 ./...

stop:
	go run ./cmd/curbside devdb stop

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	go vet ./...
	go run $(STATICCHECK) ./...

# `make bench` runs the load benchmark (bench/README.md: signed-in pages
# under 16 and 64 clients against a bare net/http+pgx reference, about 5
# minutes), then the micro benchmarks. Each reports its cost as a ratio to a
# baseline measured in the same run (x-healthz, x-one-request; subject/reference),
# so numbers compare across machines. `make bench-go`: the micro benchmarks only.
bench:
	go run ./bench/driver
	@$(MAKE) --no-print-directory bench-chat
	@$(MAKE) --no-print-directory bench-go

# `make bench-chat` measures the live chat against a minimal gorilla/websocket
# reference (bench/README.md, "Chat"): idle websockets' memory, one room's
# delivery latency, delivery across two instances, messages stored per second
# against a raw pgx INSERT loop; about 3 minutes. BENCH_CHAT_IDLE=1000
# BENCH_CHAT_ROOM=500 BENCH_CHAT_SECONDS=5 make bench-chat: a quick look.
.PHONY: bench-chat
bench-chat:
	go run ./bench/chat

.PHONY: bench-go
bench-go:
	go test -run '^$$' -bench . -benchtime 200x ./app/...
