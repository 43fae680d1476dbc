# Build a static binary; templates, static files and migrations are embedded.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /curbside ./cmd/curbside

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /curbside /curbside
EXPOSE 8080
ENTRYPOINT ["/curbside"]
CMD ["serve"]
