#include "ui/query_bar.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

using refermap::ui::QueryBar;

namespace {

struct Requests {
    QStringList texts;
    QList<QueryBar::Scope> scopes;
    int cancels = 0;

    explicit Requests(QueryBar& bar)
    {
        QObject::connect(&bar, &QueryBar::queryRequested, [this](const QString& text, QueryBar::Scope scope) {
            texts << text;
            scopes << scope;
        });
        QObject::connect(&bar, &QueryBar::cancelRequested, [this] { ++cancels; });
    }
};

QLineEdit* editOf(QueryBar& bar)
{
    return bar.findChild<QLineEdit*>(QStringLiteral("queryEdit"));
}

} // namespace

class QueryBarTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("ReferMapTest"));
        QCoreApplication::setApplicationName(QStringLiteral("query_bar_test"));
    }
    void init() { QSettings().clear(); }

    void enterEmitsTheTrimmedQueryAndScope()
    {
        QueryBar bar;
        Requests requests(bar);
        QLineEdit* edit = editOf(bar);
        QVERIFY(edit);
        QVERIFY(edit->placeholderText().startsWith(QStringLiteral("Describe what to find")));
        bar.setScope(QueryBar::Scope::VisibleExtent);
        QTest::keyClicks(edit, QStringLiteral("  white storage tanks  "));
        QTest::keyClick(edit, Qt::Key_Return);
        QCOMPARE(requests.texts, QStringList {QStringLiteral("white storage tanks")});
        QCOMPARE(requests.scopes.front(), QueryBar::Scope::VisibleExtent);
    }

    void blankTextDoesNotEmitButHints()
    {
        QueryBar bar;
        Requests requests(bar);
        auto* hint = bar.findChild<QLabel*>(QStringLiteral("hint"));
        QVERIFY(hint && hint->isHidden());
        QTest::keyClick(editOf(bar), Qt::Key_Return);
        QTest::keyClicks(editOf(bar), QStringLiteral("   "));
        bar.findChild<QPushButton*>(QStringLiteral("run"))->click();
        QVERIFY(requests.texts.isEmpty());
        QVERIFY(!hint->isHidden());
        QVERIFY(bar.history().isEmpty());
    }

    void runTurnsIntoCancelWhileRunning()
    {
        QueryBar bar;
        Requests requests(bar);
        auto* run = bar.findChild<QPushButton*>(QStringLiteral("run"));
        bar.setText(QStringLiteral("roads"));
        run->click();
        QCOMPARE(requests.texts.size(), 1);
        bar.setRunning(true);
        QCOMPARE(run->text(), QStringLiteral("Cancel"));
        run->click();
        QTest::keyClick(editOf(bar), Qt::Key_Return); // no second query while one runs
        QCOMPARE(requests.cancels, 1);
        QCOMPARE(requests.texts.size(), 1);
        bar.setRunning(false);
        QCOMPARE(run->text(), QStringLiteral("Run"));
        run->click();
        QCOMPARE(requests.texts.size(), 2);
        QCOMPARE(requests.cancels, 1);
    }

    void historyPersistsWithoutDuplicatesAndIsCapped()
    {
        {
            QueryBar bar;
            for (const char* query : {"roads", "houses", "roads"}) {
                bar.setText(QString::fromLatin1(query));
                bar.submit();
            }
            QCOMPARE(bar.history(), (QStringList {QStringLiteral("roads"), QStringLiteral("houses")}));
        }
        QueryBar again;
        QCOMPARE(again.history(), (QStringList {QStringLiteral("roads"), QStringLiteral("houses")}));
        for (int i = 0; i < QueryBar::maxHistory + 10; ++i) {
            again.setText(QStringLiteral("query %1").arg(i));
            again.submit();
        }
        QCOMPARE(again.history().size(), QueryBar::maxHistory);
        QCOMPARE(again.history().first(), QStringLiteral("query %1").arg(QueryBar::maxHistory + 9));
        QCOMPARE(QueryBar().history().size(), QueryBar::maxHistory);
    }

    void upAndDownBrowseTheHistory()
    {
        QueryBar bar;
        for (const char* query : {"first", "second"}) {
            bar.setText(QString::fromLatin1(query));
            bar.submit();
        }
        QLineEdit* edit = editOf(bar);
        edit->clear();
        QTest::keyClicks(edit, QStringLiteral("draft"));
        QTest::keyClick(edit, Qt::Key_Up);
        QCOMPARE(bar.text(), QStringLiteral("second"));
        QTest::keyClick(edit, Qt::Key_Up);
        QCOMPARE(bar.text(), QStringLiteral("first"));
        QTest::keyClick(edit, Qt::Key_Up); // oldest: stays
        QCOMPARE(bar.text(), QStringLiteral("first"));
        QTest::keyClick(edit, Qt::Key_Down);
        QTest::keyClick(edit, Qt::Key_Down);
        QCOMPARE(bar.text(), QStringLiteral("draft"));
    }
};

QTEST_MAIN(QueryBarTest)
#include "query_bar_test.moc"
