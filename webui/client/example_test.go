package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"parley/webui/app"
	"parley/webui/client"
)

// startServer runs a Parley server with the bundled scenarios on a
// temporary database, as parley serve would, and returns its URL and how
// to stop it. Only this external test package imports the server: the
// client itself speaks to it over the network.
func startServer() (url, setupLink string, stop func()) {
	dir, err := os.MkdirTemp("", "parley-client-example-")
	if err != nil {
		log.Fatal(err)
	}
	a := app.New(app.Options{Addr: "127.0.0.1:0", DB: filepath.Join(dir, "parley.db"), AbandonAfter: time.Hour},
		slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	<-a.Ready()
	if a.URL() == "" {
		log.Fatal(<-done)
	}
	<-a.Analysed()
	return a.URL(), a.SetupLink(), func() {
		cancel()
		if err := <-done; err != nil {
			log.Print(err)
		}
		_ = os.RemoveAll(dir)
	}
}

// On a new server, the admin chooses a password through the first run's
// setup link and invites a trainee; the trainee chooses a password through
// the invitation, starts the bundled late-shipment scenario over the
// websocket, answers once, gives up, and reads the debrief.
func Example() {
	url, setupLink, stop := startServer()
	defer stop()
	ctx := context.Background()

	c := client.New(url, nil)
	admin, err := c.Redeem(ctx, client.LinkToken(setupLink), "a long admin password")
	if err != nil {
		log.Fatal(err)
	}
	invited, err := admin.CreateUser(ctx, "sam@example.com", "Sam", "trainee")
	if err != nil {
		log.Fatal(err)
	}
	sam, err := c.Redeem(ctx, client.LinkToken(invited.Link.URL), "a long trainee password")
	if err != nil {
		log.Fatal(err)
	}
	me, err := sam.Me(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("I am", me.Name, me.Roles)

	conn, err := sam.Dial(ctx, nil, time.Now().Add(time.Minute))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.HangUp()
	play, err := conn.Start(1, "late-shipment")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %s, turn %d\n", play.Snapshot.Attempt.Title, play.Snapshot.Attempt.Status, play.Snapshot.Attempt.Turn)

	turn, err := play.Choose("own-it") // always on offer at the start
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("turn %d: I chose %q; more on offer: %v\n", turn.Turn, turn.Reply.ID, len(turn.Replies) > 0)

	ended, err := play.GiveUp()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("ended:", ended.Status, ended.Debrief == "/api/attempts/"+play.ID+"/debrief")

	d, err := sam.Debrief(ctx, play.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("debrief: complete %v after %d turn(s); turn 1 followed %q\n", d.Debrief.Complete, d.Attempt.Turns, d.Debrief.Turns[0].Reply.Principle)

	_, err = sam.Practise(ctx, "no-such-attempt", 1)
	var se *client.StatusError
	if errors.As(err, &se) {
		fmt.Println("practise from no attempt:", se.StatusCode, se.Code)
	}
	// Output:
	// I am Sam [trainee]
	// The shipment that stopped the line: active, turn 0
	// turn 1: I chose "own-it"; more on offer: true
	// ended: given_up true
	// debrief: complete false after 1 turn(s); turn 1 followed "Apologise and own it"
	// practise from no attempt: 404 not_found
}
