// Command store is a Go service that keeps gorilla sessions in MongoDB next to
// the Python MongoStore, for tests/test_go_live.py.
//
// Its MongoStore is written the way a Go user would write one from the
// documented Go behaviour (README "Sharing sessions with a Go service"; the
// document layout {_id ObjectId, data string, expires int64, user?, provider?}):
//   - Get/New decode the cookie, load the live document (expires > now) and
//     decode its data into session.Values; a decode error is returned with
//     the session, and handlers ignore it (session, _ := store.Get(...)), so a
//     partly decoded Values map is kept and written back on the next save;
//   - Save inserts a new document or updates an existing one by _id alone
//     ($set data, expires, user, provider; never expires_at); MaxAge < 0
//     deletes the document and the cookie;
//   - ExpireSessions(user, provider) deletes on an exact match of both fields.
//
// HTTP API on 127.0.0.1 (the cookie travels in Cookie / Set-Cookie, answers
// are JSON {"id", "is_new", "error", "values" (typed), "count"}):
//
//	GET  /whoami                     the session as loaded
//	POST /login?user=U[&provider=P]  set user (and provider), save
//	POST /set?key=K   body: typed    set one value (typed format of tests/vectors), save
//	POST /delete?key=K               delete one value, save
//	POST /touch[?max_age=N]          save unchanged (extends expires)
//	POST /logout                     MaxAge -1, save (deletes the document)
//	GET  /count                      live sessions
//	POST /expire?user=U&provider=P   ExpireSessions
//	POST /clean                      delete expired documents
//
// Configuration (environment): GOSTORE_URI, GOSTORE_DB, GOSTORE_COLLECTION,
// GOSTORE_KEYS ("hashhex:blockhex,hashhex:" newest first), GOSTORE_MAX_AGE.
// It prints "listening http://127.0.0.1:PORT" once it serves.
package main

import (
	"context"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

const cookieName = "session"

// Flash is a struct a Go app might put into a session (registered as "main.Flash").
type Flash struct {
	Type    int
	Message string
}

func init() {
	// What Python may put in a session, beyond what gorilla/sessions registers.
	gob.Register(map[string]interface{}{})
	gob.Register(time.Time{})
	gob.Register(Flash{})
	gob.Register(map[string]string{})
}

var errNotFound = errors.New("session not found")

// sessionDoc is the shared document layout.
type sessionDoc struct {
	ID       primitive.ObjectID `bson:"_id"`
	Data     string             `bson:"data"`
	Expires  int64              `bson:"expires"`
	User     interface{}        `bson:"user,omitempty"`
	Provider interface{}        `bson:"provider,omitempty"`
}

// MongoStore keeps sessions in one collection; the cookie holds the ID.
type MongoStore struct {
	Codecs  []securecookie.Codec
	Options *sessions.Options
	coll    *mongo.Collection
}

func NewMongoStore(coll *mongo.Collection, keyPairs ...[]byte) *MongoStore {
	return &MongoStore{
		Codecs:  securecookie.CodecsFromPairs(keyPairs...),
		Options: &sessions.Options{Path: "/", MaxAge: 86400 * 30, SameSite: http.SameSiteLaxMode},
		coll:    coll,
	}
}

func (m *MongoStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(m, name)
}

func (m *MongoStore) New(r *http.Request, name string) (*sessions.Session, error) {
	session := sessions.NewSession(m, name)
	opts := *m.Options
	session.Options = &opts
	session.IsNew = true
	c, errCookie := r.Cookie(name)
	if errCookie != nil {
		return session, nil
	}
	if err := securecookie.DecodeMulti(name, c.Value, &session.ID, m.Codecs...); err != nil {
		session.ID = ""
		return session, err
	}
	err := m.load(r.Context(), session)
	if err == nil {
		session.IsNew = false
	} else if errors.Is(err, errNotFound) {
		session.ID = ""
		err = nil
	}
	return session, err
}

func (m *MongoStore) load(ctx context.Context, session *sessions.Session) error {
	oid, err := primitive.ObjectIDFromHex(session.ID)
	if err != nil {
		return err
	}
	var doc sessionDoc
	filter := bson.M{"_id": oid, "expires": bson.M{"$gt": time.Now().Unix()}}
	if err := m.coll.FindOne(ctx, filter).Decode(&doc); err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return errNotFound
		}
		return err
	}
	return securecookie.DecodeMulti(session.Name(), doc.Data, &session.Values, m.Codecs...)
}

func (m *MongoStore) Save(r *http.Request, w http.ResponseWriter, session *sessions.Session) error {
	ctx := r.Context()
	if session.Options.MaxAge < 0 {
		if oid, err := primitive.ObjectIDFromHex(session.ID); err == nil {
			if _, err := m.coll.DeleteOne(ctx, bson.M{"_id": oid}); err != nil {
				return err
			}
		}
		http.SetCookie(w, sessions.NewCookie(session.Name(), "", session.Options))
		return nil
	}
	data, err := securecookie.EncodeMulti(session.Name(), session.Values, m.Codecs...)
	if err != nil {
		return err
	}
	expires := time.Now().Add(time.Duration(session.Options.MaxAge) * time.Second).Unix()
	if session.ID == "" {
		doc := sessionDoc{ID: primitive.NewObjectID(), Data: data, Expires: expires,
			User: session.Values["user"], Provider: session.Values["provider"]}
		if _, err := m.coll.InsertOne(ctx, doc); err != nil {
			return err
		}
		session.ID = doc.ID.Hex()
	} else {
		oid, err := primitive.ObjectIDFromHex(session.ID)
		if err != nil {
			return err
		}
		set := bson.M{"data": data, "expires": expires}
		for _, field := range []string{"user", "provider"} {
			if v, ok := session.Values[field]; ok {
				set[field] = v
			}
		}
		res, err := m.coll.UpdateOne(ctx, bson.M{"_id": oid}, bson.M{"$set": set})
		if err != nil {
			return err
		}
		if res.MatchedCount == 0 {
			return fmt.Errorf("fail to modify session : session %s not found", session.ID)
		}
	}
	encoded, err := securecookie.EncodeMulti(session.Name(), session.ID, m.Codecs...)
	if err != nil {
		return err
	}
	http.SetCookie(w, sessions.NewCookie(session.Name(), encoded, session.Options))
	return nil
}

func (m *MongoStore) ExpireSessions(ctx context.Context, user, provider interface{}) (int64, error) {
	res, err := m.coll.DeleteMany(ctx, bson.M{"user": user, "provider": provider})
	if err != nil {
		return 0, err
	}
	return res.DeletedCount, nil
}

func (m *MongoStore) Count(ctx context.Context) (int64, error) {
	return m.coll.CountDocuments(ctx, bson.M{"expires": bson.M{"$gt": time.Now().Unix()}})
}

func (m *MongoStore) Clean(ctx context.Context) (int64, error) {
	res, err := m.coll.DeleteMany(ctx, bson.M{"expires": bson.M{"$lte": time.Now().Unix()}})
	if err != nil {
		return 0, err
	}
	return res.DeletedCount, nil
}

// -- the HTTP API ----------------------------------------------------------------

type answer struct {
	ID     string      `json:"id"`
	IsNew  bool        `json:"is_new"`
	Error  string      `json:"error"`
	Values *typedValue `json:"values,omitempty"`
	Count  int64       `json:"count"`
}

type service struct{ store *MongoStore }

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func reply(w http.ResponseWriter, a answer) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(a)
}

// session answers with the session after change (nil: read only) and a save.
func (s *service) session(w http.ResponseWriter, r *http.Request, change func(*sessions.Session) error) {
	session, loadErr := s.store.Get(r, cookieName) // errors swallowed, as Go handlers do
	a := answer{IsNew: session.IsNew, Error: errText(loadErr)}
	if change != nil {
		if err := change(session); err != nil {
			a.Error = err.Error()
		} else if err := session.Save(r, w); err != nil {
			a.Error = err.Error()
		}
	}
	a.ID = session.ID
	a.Values = typed(map[interface{}]interface{}(session.Values))
	reply(w, a)
}

func (s *service) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/whoami", func(w http.ResponseWriter, r *http.Request) { s.session(w, r, nil) })
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		s.session(w, r, func(session *sessions.Session) error {
			session.Values["user"] = r.URL.Query().Get("user")
			if p := r.URL.Query().Get("provider"); p != "" {
				session.Values["provider"] = p
			}
			return nil
		})
	})
	mux.HandleFunc("/set", func(w http.ResponseWriter, r *http.Request) {
		s.session(w, r, func(session *sessions.Session) error {
			var tv typedValue
			if err := json.NewDecoder(r.Body).Decode(&tv); err != nil {
				return err
			}
			v, err := fromTyped(tv)
			if err != nil {
				return err
			}
			session.Values[r.URL.Query().Get("key")] = v
			return nil
		})
	})
	mux.HandleFunc("/delete", func(w http.ResponseWriter, r *http.Request) {
		s.session(w, r, func(session *sessions.Session) error {
			delete(session.Values, r.URL.Query().Get("key"))
			return nil
		})
	})
	mux.HandleFunc("/touch", func(w http.ResponseWriter, r *http.Request) {
		s.session(w, r, func(session *sessions.Session) error {
			if v := r.URL.Query().Get("max_age"); v != "" {
				n, err := strconv.Atoi(v)
				session.Options.MaxAge = n
				return err
			}
			return nil
		})
	})
	mux.HandleFunc("/logout", func(w http.ResponseWriter, r *http.Request) {
		s.session(w, r, func(session *sessions.Session) error {
			session.Options.MaxAge = -1
			return nil
		})
	})
	mux.HandleFunc("/count", func(w http.ResponseWriter, r *http.Request) {
		n, err := s.store.Count(r.Context())
		reply(w, answer{Count: n, Error: errText(err)})
	})
	mux.HandleFunc("/expire", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		n, err := s.store.ExpireSessions(r.Context(), q.Get("user"), q.Get("provider"))
		reply(w, answer{Count: n, Error: errText(err)})
	})
	mux.HandleFunc("/clean", func(w http.ResponseWriter, r *http.Request) {
		n, err := s.store.Clean(r.Context())
		reply(w, answer{Count: n, Error: errText(err)})
	})
	return mux
}

func keyPairs(spec string) ([][]byte, error) {
	var pairs [][]byte
	for _, pair := range strings.Split(spec, ",") {
		hashHex, blockHex, _ := strings.Cut(pair, ":")
		hashKey, err := hex.DecodeString(hashHex)
		if err != nil {
			return nil, err
		}
		blockKey, err := hex.DecodeString(blockHex)
		if err != nil {
			return nil, err
		}
		if len(blockKey) == 0 {
			blockKey = nil
		}
		pairs = append(pairs, hashKey, blockKey)
	}
	return pairs, nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "store:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(os.Getenv("GOSTORE_URI")))
	if err != nil {
		return err
	}
	if err := client.Ping(ctx, nil); err != nil {
		return err
	}
	pairs, err := keyPairs(os.Getenv("GOSTORE_KEYS"))
	if err != nil {
		return err
	}
	store := NewMongoStore(client.Database(os.Getenv("GOSTORE_DB")).Collection(os.Getenv("GOSTORE_COLLECTION")), pairs...)
	if v := os.Getenv("GOSTORE_MAX_AGE"); v != "" {
		if store.Options.MaxAge, err = strconv.Atoi(v); err != nil {
			return err
		}
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("listening http://%s\n", listener.Addr())
	return http.Serve(listener, (&service{store: store}).routes())
}
